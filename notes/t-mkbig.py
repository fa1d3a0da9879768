# Makes a large capture for timing analyze: many-conns.pcap copied N times with the
# client port shifted per copy (TCP checksum fixed incrementally) and time shifted.
# usage: python3 notes/t-mkbig.py OUT.pcap COPIES   (needs $SYNACK_CORPUS at /work/shared)
import struct,sys
src=open('/work/shared/captures/many-conns.pcap','rb').read()
gh=src[:24]
magic,vmaj,vmin,tz,sig,snap,lt=struct.unpack('<IHHiIII',gh)
assert magic==0xa1b2c3d4, hex(magic)
recs=[]
off=24
while off<len(src):
    ts,tu,cl,ol=struct.unpack('<IIII',src[off:off+16]); data=src[off+16:off+16+cl]; recs.append((ts,tu,ol,data)); off+=16+cl
def csum_fix(hc,old,new):
    s=(~hc&0xffff)+(~old&0xffff)+new
    while s>>16: s=(s&0xffff)+(s>>16)
    return ~s&0xffff
out=open(sys.argv[1],'wb'); out.write(gh)
copies=int(sys.argv[2])
t0=recs[0][0]; span=recs[-1][0]-t0+2
n=0
for k in range(copies):
    for ts,tu,ol,data in recs:
        d=bytearray(data)
        if len(d)>=54 and d[12:14]==b'\x08\x00' and d[23]==6:
            ihl=(d[14]&15)*4; t=14+ihl
            sp,dp=struct.unpack('>HH',d[t:t+4]); csum=struct.unpack('>H',d[t+16:t+18])[0]
            if sp!=80:
                np_=(sp+k*7)%60000+1024; d[t:t+2]=struct.pack('>H',np_); csum=csum_fix(csum,sp,np_)
            if dp!=80:
                np_=(dp+k*7)%60000+1024; d[t+2:t+4]=struct.pack('>H',np_); csum=csum_fix(csum,dp,np_)
            d[t+16:t+18]=struct.pack('>H',csum)
        out.write(struct.pack('<IIII',ts+k*span,tu,len(d),ol)); out.write(d); n+=1
print(n)
