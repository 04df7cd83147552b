#include "textflag.h"

// func depthwise16(dst, b *float32, offs *int, w *float32, taps, n16 int)
//
// dst[c] = Σ_t w[t]·b[offs[t] + c] for c < 16·n16: blocks of 64 columns
// with eight accumulators (so that the FMAs of a tap do not wait on each
// other), then blocks of 16 with two. Each element sums its taps in
// order, the same chain in both loops.
TEXT ·depthwise16(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DX
	MOVQ b+8(FP), DI
	MOVQ offs+16(FP), BX
	MOVQ w+24(FP), SI
	MOVQ taps+32(FP), R11
	MOVQ n16+40(FP), CX

wide:
	CMPQ CX, $4
	JLT  narrow
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ BX, R8
	MOVQ SI, R9
	MOVQ R11, R10
	TESTQ R10, R10
	JZ    widestore

widetap:
	MOVQ         (R8), AX
	VBROADCASTSS (R9), Y8
	VFMADD231PS 0(DI)(AX*4), Y8, Y0
	VFMADD231PS 32(DI)(AX*4), Y8, Y1
	VFMADD231PS 64(DI)(AX*4), Y8, Y2
	VFMADD231PS 96(DI)(AX*4), Y8, Y3
	VFMADD231PS 128(DI)(AX*4), Y8, Y4
	VFMADD231PS 160(DI)(AX*4), Y8, Y5
	VFMADD231PS 192(DI)(AX*4), Y8, Y6
	VFMADD231PS 224(DI)(AX*4), Y8, Y7
	ADDQ $8, R8
	ADDQ $4, R9
	DECQ R10
	JNZ  widetap

widestore:
	VMOVUPS Y0, 0(DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, 128(DX)
	VMOVUPS Y5, 160(DX)
	VMOVUPS Y6, 192(DX)
	VMOVUPS Y7, 224(DX)
	ADDQ $256, DI
	ADDQ $256, DX
	SUBQ $4, CX
	JMP  wide

narrow:
	TESTQ CX, CX
	JZ    done
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	MOVQ BX, R8
	MOVQ SI, R9
	MOVQ R11, R10
	TESTQ R10, R10
	JZ    narrowstore

narrowtap:
	MOVQ         (R8), AX
	VBROADCASTSS (R9), Y8
	VFMADD231PS  (DI)(AX*4), Y8, Y0
	VFMADD231PS  32(DI)(AX*4), Y8, Y1
	ADDQ $8, R8
	ADDQ $4, R9
	DECQ R10
	JNZ  narrowtap

narrowstore:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	ADDQ $64, DI
	ADDQ $64, DX
	DECQ CX
	JMP  narrow

done:
	VZEROUPPER
	RET
