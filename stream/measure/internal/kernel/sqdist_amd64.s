#include "textflag.h"

// func SqDist4(a, b *float32, n4 int, out *[4]float64)
TEXT ·SqDist4(SB), NOSPLIT, $0-32
	MOVQ   a+0(FP), SI
	MOVQ   b+8(FP), DI
	MOVQ   n4+16(FP), CX
	MOVQ   out+24(FP), DX
	SHLQ   $4, CX // bytes of float32
	XORQ   AX, AX
	VXORPD Y0, Y0, Y0
	TESTQ  CX, CX
	JZ     done

loop:
	VCVTPS2PD (SI)(AX*1), Y1
	VCVTPS2PD (DI)(AX*1), Y2
	VSUBPD    Y2, Y1, Y1
	VMULPD    Y1, Y1, Y1
	VADDPD    Y1, Y0, Y0
	ADDQ      $16, AX
	CMPQ      AX, CX
	JLT       loop

done:
	VMOVUPD    Y0, (DX)
	VZEROUPPER
	RET

// func SqDistW4(a, b *float32, w *float64, n4 int, out *[4]float64)
TEXT ·SqDistW4(SB), NOSPLIT, $0-40
	MOVQ   a+0(FP), SI
	MOVQ   b+8(FP), DI
	MOVQ   w+16(FP), R8
	MOVQ   n4+24(FP), CX
	MOVQ   out+32(FP), DX
	SHLQ   $4, CX
	XORQ   AX, AX
	XORQ   BX, BX // bytes of float64
	VXORPD Y0, Y0, Y0
	TESTQ  CX, CX
	JZ     donew

loopw:
	VCVTPS2PD (SI)(AX*1), Y1
	VCVTPS2PD (DI)(AX*1), Y2
	VSUBPD    Y2, Y1, Y1
	VMULPD    (R8)(BX*1), Y1, Y1
	VMULPD    Y1, Y1, Y1
	VADDPD    Y1, Y0, Y0
	ADDQ      $16, AX
	ADDQ      $32, BX
	CMPQ      AX, CX
	JLT       loopw

donew:
	VMOVUPD    Y0, (DX)
	VZEROUPPER
	RET
