#include "textflag.h"

// The bound of one pair, exactly as mst's lowerOf computes it:
// t = ((hu + hv) - 2·g)·lbf, each step rounded to float64, no FMA;
// lb = t where 0 < t ≤ MaxFloat64, else 0.
DATA maxf64<>+0(SB)/8, $0x7fefffffffffffff
GLOBL maxf64<>(SB), RODATA|NOPTR, $8

// func belowCols(hu, lbf float64, hv *float64, gs *float32, top, floor *float64, n4 int) int
TEXT ·belowCols(SB), NOSPLIT, $0-64
	VBROADCASTSD hu+0(FP), Y8
	VBROADCASTSD lbf+8(FP), Y9
	MOVQ         hv+16(FP), SI
	MOVQ         gs+24(FP), BX
	MOVQ         top+32(FP), R8
	MOVQ         floor+40(FP), R9
	MOVQ         n4+48(FP), CX
	VBROADCASTSD maxf64<>(SB), Y10
	VXORPD       Y11, Y11, Y11
	XORQ         AX, AX
	TESTQ        CX, CX
	JZ           none

cols:
	VADDPD    (SI)(AX*8), Y8, Y0 // hu + hv
	VCVTPS2PD (BX)(AX*4), Y1
	VADDPD    Y1, Y1, Y1         // 2·g, exact
	VSUBPD    Y1, Y0, Y0
	VMULPD    Y9, Y0, Y0         // t
	VCMPPD    $0x1e, Y11, Y0, Y2 // t > 0 (false for NaN)
	VCMPPD    $0x12, Y10, Y0, Y3 // t ≤ MaxFloat64
	VANDPD    Y3, Y2, Y2
	VANDPD    Y2, Y0, Y0         // lb
	VMOVUPD   (R8)(AX*8), Y4
	VMAXPD    (R9)(AX*8), Y4, Y4 // max(top, floor)
	VCMPPD    $0x11, Y4, Y0, Y5  // lb < max(top, floor)
	VMOVMSKPD Y5, DX
	TESTQ     DX, DX
	JNZ       found
	ADDQ      $4, AX
	CMPQ      AX, CX
	JLT       cols

none:
	VZEROUPPER
	MOVQ CX, ret+56(FP)
	RET

found:
	BSFQ DX, DX
	ADDQ DX, AX
	VZEROUPPER
	MOVQ AX, ret+56(FP)
	RET

// func belowRow(hu, lbf, thr float64, hv *float64, gs *float32, n4 int) int
TEXT ·belowRow(SB), NOSPLIT, $0-56
	VBROADCASTSD hu+0(FP), Y8
	VBROADCASTSD lbf+8(FP), Y9
	VBROADCASTSD thr+16(FP), Y4
	MOVQ         hv+24(FP), SI
	MOVQ         gs+32(FP), BX
	MOVQ         n4+40(FP), CX
	VBROADCASTSD maxf64<>(SB), Y10
	VXORPD       Y11, Y11, Y11
	XORQ         AX, AX
	TESTQ        CX, CX
	JZ           rnone

row:
	VADDPD    (SI)(AX*8), Y8, Y0
	VCVTPS2PD (BX)(AX*4), Y1
	VADDPD    Y1, Y1, Y1
	VSUBPD    Y1, Y0, Y0
	VMULPD    Y9, Y0, Y0
	VCMPPD    $0x1e, Y11, Y0, Y2
	VCMPPD    $0x12, Y10, Y0, Y3
	VANDPD    Y3, Y2, Y2
	VANDPD    Y2, Y0, Y0
	VCMPPD    $0x11, Y4, Y0, Y5
	VMOVMSKPD Y5, DX
	TESTQ     DX, DX
	JNZ       rfound
	ADDQ      $4, AX
	CMPQ      AX, CX
	JLT       row

rnone:
	VZEROUPPER
	MOVQ CX, ret+48(FP)
	RET

rfound:
	BSFQ DX, DX
	ADDQ DX, AX
	VZEROUPPER
	MOVQ AX, ret+48(FP)
	RET
