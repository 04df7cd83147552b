#include "textflag.h"

// VMAXPS returns its second source operand (Intel order; the first one
// written in Go's order) when either operand is NaN or both are zeros.
// Each kernel arranges that a NaN input comes out as a NaN.

// func relu8(dst, src *float32, n8 int)
//
// max(0, x) with x second: NaN and ±0 give x; adding +0 then turns -0
// into +0 and leaves every other value unchanged.
TEXT ·relu8(SB), NOSPLIT, $0-24
	MOVQ   dst+0(FP), DI
	MOVQ   src+8(FP), SI
	MOVQ   n8+16(FP), CX
	VXORPS Y1, Y1, Y1
	TESTQ  CX, CX
	JZ     reludone

reluloop:
	VMOVUPS (SI), Y0
	VMAXPS  Y0, Y1, Y2
	VADDPS  Y1, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     reluloop

reludone:
	VZEROUPPER
	RET

// func max8(dst, a, b *float32, n8 int)
//
// max(a, b) with b second gives NaN when b is NaN; where a is NaN, a's
// bits are ORed in (all-ones exponent, non-zero fraction: still NaN).
TEXT ·max8(SB), NOSPLIT, $0-32
	MOVQ  dst+0(FP), DI
	MOVQ  a+8(FP), SI
	MOVQ  b+16(FP), DX
	MOVQ  n8+24(FP), CX
	TESTQ CX, CX
	JZ    maxdone

maxloop:
	VMOVUPS (SI), Y0
	VMOVUPS (DX), Y1
	VMAXPS  Y1, Y0, Y2
	VCMPPS  $3, Y0, Y0, Y3 // unordered: a is NaN
	VANDPS  Y0, Y3, Y3
	VORPS   Y3, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     maxloop

maxdone:
	VZEROUPPER
	RET

// func pairMax8(dst, src *float32, n8 int)
//
// Sixteen inputs s0..s15 give eight outputs. VSHUFPS splits them into
// evens and odds within each 128-bit lane (s0 s2 s8 s10 | s4 s6 s12 s14
// and likewise), the max is taken as in max8, and VPERMPD puts the
// 64-bit pairs back in order.
TEXT ·pairMax8(SB), NOSPLIT, $0-24
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  n8+16(FP), CX
	TESTQ CX, CX
	JZ    pairdone

pairloop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VSHUFPS $0x88, Y1, Y0, Y2 // evens
	VSHUFPS $0xDD, Y1, Y0, Y3 // odds
	VMAXPS  Y3, Y2, Y4
	VCMPPS  $3, Y2, Y2, Y5
	VANDPS  Y2, Y5, Y5
	VORPS   Y5, Y4, Y4
	VPERMPD $0xD8, Y4, Y4
	VMOVUPS Y4, (DI)
	ADDQ    $64, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     pairloop

pairdone:
	VZEROUPPER
	RET

// func addConst8(dst, src *float32, b float32, n8 int)
TEXT ·addConst8(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	VBROADCASTSS b+16(FP), Y1
	MOVQ         n8+24(FP), CX
	TESTQ        CX, CX
	JZ           adddone

addloop:
	VMOVUPS (SI), Y0
	VADDPS  Y1, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     addloop

adddone:
	VZEROUPPER
	RET

// func clamp8(dst, src *float32, lo, hi float32, n8 int)
//
// min(max(x, lo), hi) with x second each time, so that NaN gives NaN;
// adding +0 turns a -0 into +0 (zeros of either sign are equal, and a
// clamp to [0, ...] gives +0 as ReLU does).
TEXT ·clamp8(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	VBROADCASTSS lo+16(FP), Y1
	VBROADCASTSS hi+20(FP), Y2
	MOVQ         n8+24(FP), CX
	VXORPS       Y3, Y3, Y3
	TESTQ        CX, CX
	JZ           clampdone

clamploop:
	VMOVUPS (SI), Y0
	VMAXPS  Y0, Y1, Y4
	VMINPS  Y4, Y2, Y4
	VADDPS  Y3, Y4, Y4
	VMOVUPS Y4, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     clamploop

clampdone:
	VZEROUPPER
	RET
