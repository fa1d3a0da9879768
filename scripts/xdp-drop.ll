; XDP program for scripts/make-large-capture.sh: drops a random fraction of the frames
; of at least @MINLEN@ bytes that arrive on the veth end it is attached to, before any
; packet tap sees them (so a capture on that end shows a real gap) and without the
; sending TCP knowing. Hand-written LLVM IR so that `llc -march=bpf` alone builds it
; (no clang needed). The script replaces @THRESHOLD@ with fraction * 2^32 and
; @MINLEN@ with the minimum frame length; helper 7 is bpf_get_prandom_u32.
; Return values: 1 = XDP_DROP, 2 = XDP_PASS.
target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"
target triple = "bpf"

%struct.xdp_md = type { i32, i32, i32, i32, i32, i32 }

@_license = dso_local global [4 x i8] c"GPL\00", section "license", align 1
@llvm.used = appending global [2 x i8*] [i8* getelementptr inbounds ([4 x i8], [4 x i8]* @_license, i32 0, i32 0), i8* bitcast (i32 (%struct.xdp_md*)* @xdp_drop to i8*)], section "llvm.metadata"

define dso_local i32 @xdp_drop(%struct.xdp_md* nocapture readonly %ctx) section "xdp" {
entry:
  %dp = getelementptr inbounds %struct.xdp_md, %struct.xdp_md* %ctx, i64 0, i32 0
  %d32 = load i32, i32* %dp, align 4
  %ep = getelementptr inbounds %struct.xdp_md, %struct.xdp_md* %ctx, i64 0, i32 1
  %e32 = load i32, i32* %ep, align 4
  %d = zext i32 %d32 to i64
  %e = zext i32 %e32 to i64
  %dmin = add i64 %d, @MINLEN@
  %small = icmp ugt i64 %dmin, %e
  br i1 %small, label %pass, label %rand
rand:
  %f = inttoptr i64 7 to i32 ()*
  %r = call i32 %f()
  %drop = icmp ult i32 %r, @THRESHOLD@
  br i1 %drop, label %dropl, label %pass
dropl:
  ret i32 1
pass:
  ret i32 2
}
