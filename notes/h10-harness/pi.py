# usage: python3 pi.py CALLGRIND_OUT BINARY FUNCTION_SUBSTRING DIVISOR
# Per-instruction cost (Ir / DIVISOR, e.g. reps x frames) of the functions whose
# name contains FUNCTION_SUBSTRING, from `valgrind --tool=callgrind --dump-instr=yes`,
# next to their disassembly (objdump).
import sys,re,collections,subprocess
f=sys.argv[1]; binf=sys.argv[2]; fnpat=sys.argv[3]; div=float(sys.argv[4])
cost=collections.Counter(); cur=None; last=0; skip=False; names={}
for line in open(f):
    line=line.rstrip('\n')
    if line.startswith('fn='):
        m=re.match(r'fn=\((\d+)\)(?: (.*))?',line)
        if m:
            if m.group(2): names[m.group(1)]=m.group(2)
            cur=names.get(m.group(1))
        else: cur=line[3:]
        continue
    if line.startswith('cfn='):
        m=re.match(r'cfn=\((\d+)\)(?: (.*))?',line)
        if m and m.group(2): names[m.group(1)]=m.group(2)
        continue
    if line.startswith('calls='): skip=True; continue
    if not line or not (line[0] in '0123456789+-*'): continue
    parts=line.split()
    a=parts[0]
    if a.startswith('0x'): addr=int(a,16)
    elif a.startswith('+'): addr=last+int(a[1:])
    elif a.startswith('-'): addr=last-int(a[1:])
    elif a=='*': addr=last
    else: addr=int(a)
    last=addr
    if skip: skip=False; continue
    if cur and fnpat in cur and len(parts)>=3:
        cost[addr]+=int(parts[-1])
    elif cur and fnpat in cur and len(parts)==2:
        cost[addr]+=int(parts[1])
dis=subprocess.run(['objdump','-d','--no-show-raw-insn','-C',binf],capture_output=True,text=True).stdout
tot=0
for l in dis.splitlines():
    m=re.match(r'\s+([0-9a-f]+):\s+(.*)',l)
    if m:
        a=int(m.group(1),16)
        if a in cost:
            tot+=cost[a]; print('%6.2f %x %s'%(cost[a]/div,a,m.group(2)))
print('total',tot/div)
