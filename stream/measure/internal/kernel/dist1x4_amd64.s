#include "textflag.h"

DATA absmask<>+0(SB)/8, $0x7fffffffffffffff
DATA absmask<>+8(SB)/8, $0x7fffffffffffffff
DATA absmask<>+16(SB)/8, $0x7fffffffffffffff
DATA absmask<>+24(SB)/8, $0x7fffffffffffffff
GLOBL absmask<>(SB), RODATA|NOPTR, $32

// func Sq1x4(a, b0, b1, b2, b3 *float32, n4 int, out *[16]float64)
TEXT ·Sq1x4(SB), NOSPLIT, $0-56
	MOVQ   a+0(FP), SI
	MOVQ   b0+8(FP), R8
	MOVQ   b1+16(FP), R9
	MOVQ   b2+24(FP), R10
	MOVQ   b3+32(FP), R11
	MOVQ   n4+40(FP), CX
	MOVQ   out+48(FP), DX
	SHLQ   $4, CX
	XORQ   AX, AX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	TESTQ  CX, CX
	JZ     sqdone

sqloop:
	VCVTPS2PD (SI)(AX*1), Y4
	VCVTPS2PD (R8)(AX*1), Y5
	VCVTPS2PD (R9)(AX*1), Y6
	VCVTPS2PD (R10)(AX*1), Y7
	VCVTPS2PD (R11)(AX*1), Y8
	VSUBPD    Y5, Y4, Y5
	VSUBPD    Y6, Y4, Y6
	VSUBPD    Y7, Y4, Y7
	VSUBPD    Y8, Y4, Y8
	VMULPD    Y5, Y5, Y5
	VMULPD    Y6, Y6, Y6
	VMULPD    Y7, Y7, Y7
	VMULPD    Y8, Y8, Y8
	VADDPD    Y5, Y0, Y0
	VADDPD    Y6, Y1, Y1
	VADDPD    Y7, Y2, Y2
	VADDPD    Y8, Y3, Y3
	ADDQ      $16, AX
	CMPQ      AX, CX
	JLT       sqloop

sqdone:
	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	VMOVUPD Y2, 64(DX)
	VMOVUPD Y3, 96(DX)
	VZEROUPPER
	RET

// func Abs1x4(a, b0, b1, b2, b3 *float32, n4 int, out *[16]float64)
TEXT ·Abs1x4(SB), NOSPLIT, $0-56
	MOVQ    a+0(FP), SI
	MOVQ    b0+8(FP), R8
	MOVQ    b1+16(FP), R9
	MOVQ    b2+24(FP), R10
	MOVQ    b3+32(FP), R11
	MOVQ    n4+40(FP), CX
	MOVQ    out+48(FP), DX
	SHLQ    $4, CX
	XORQ    AX, AX
	VMOVUPD absmask<>(SB), Y15
	VXORPD  Y0, Y0, Y0
	VXORPD  Y1, Y1, Y1
	VXORPD  Y2, Y2, Y2
	VXORPD  Y3, Y3, Y3
	TESTQ   CX, CX
	JZ      absdone

absloop:
	VCVTPS2PD (SI)(AX*1), Y4
	VCVTPS2PD (R8)(AX*1), Y5
	VCVTPS2PD (R9)(AX*1), Y6
	VCVTPS2PD (R10)(AX*1), Y7
	VCVTPS2PD (R11)(AX*1), Y8
	VSUBPD    Y5, Y4, Y5
	VSUBPD    Y6, Y4, Y6
	VSUBPD    Y7, Y4, Y7
	VSUBPD    Y8, Y4, Y8
	VANDPD    Y15, Y5, Y5
	VANDPD    Y15, Y6, Y6
	VANDPD    Y15, Y7, Y7
	VANDPD    Y15, Y8, Y8
	VADDPD    Y5, Y0, Y0
	VADDPD    Y6, Y1, Y1
	VADDPD    Y7, Y2, Y2
	VADDPD    Y8, Y3, Y3
	ADDQ      $16, AX
	CMPQ      AX, CX
	JLT       absloop

absdone:
	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	VMOVUPD Y2, 64(DX)
	VMOVUPD Y3, 96(DX)
	VZEROUPPER
	RET

// func AbsW1x4(a, b0, b1, b2, b3 *float32, w *float64, n4 int, out *[16]float64)
TEXT ·AbsW1x4(SB), NOSPLIT, $0-64
	MOVQ    a+0(FP), SI
	MOVQ    b0+8(FP), R8
	MOVQ    b1+16(FP), R9
	MOVQ    b2+24(FP), R10
	MOVQ    b3+32(FP), R11
	MOVQ    w+40(FP), R12
	MOVQ    n4+48(FP), CX
	MOVQ    out+56(FP), DX
	SHLQ    $4, CX
	XORQ    AX, AX
	VMOVUPD absmask<>(SB), Y15
	VXORPD  Y0, Y0, Y0
	VXORPD  Y1, Y1, Y1
	VXORPD  Y2, Y2, Y2
	VXORPD  Y3, Y3, Y3
	TESTQ   CX, CX
	JZ      abswdone

abswloop:
	VCVTPS2PD (SI)(AX*1), Y4
	VCVTPS2PD (R8)(AX*1), Y5
	VCVTPS2PD (R9)(AX*1), Y6
	VCVTPS2PD (R10)(AX*1), Y7
	VCVTPS2PD (R11)(AX*1), Y8
	VMOVUPD   (R12)(AX*2), Y9
	VSUBPD    Y5, Y4, Y5
	VSUBPD    Y6, Y4, Y6
	VSUBPD    Y7, Y4, Y7
	VSUBPD    Y8, Y4, Y8
	VANDPD    Y15, Y5, Y5
	VANDPD    Y15, Y6, Y6
	VANDPD    Y15, Y7, Y7
	VANDPD    Y15, Y8, Y8
	VMULPD    Y9, Y5, Y5
	VMULPD    Y9, Y6, Y6
	VMULPD    Y9, Y7, Y7
	VMULPD    Y9, Y8, Y8
	VADDPD    Y5, Y0, Y0
	VADDPD    Y6, Y1, Y1
	VADDPD    Y7, Y2, Y2
	VADDPD    Y8, Y3, Y3
	ADDQ      $16, AX
	CMPQ      AX, CX
	JLT       abswloop

abswdone:
	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	VMOVUPD Y2, 64(DX)
	VMOVUPD Y3, 96(DX)
	VZEROUPPER
	RET
