#include "textflag.h"

// The constants of expAffine8: the coefficients of Cephes' expf
// polynomial, eight copies each, so that they can be FMA operands.
DATA expp0<>+0(SB)/4, $0x39506967
DATA expp0<>+4(SB)/4, $0x39506967
DATA expp0<>+8(SB)/4, $0x39506967
DATA expp0<>+12(SB)/4, $0x39506967
DATA expp0<>+16(SB)/4, $0x39506967
DATA expp0<>+20(SB)/4, $0x39506967
DATA expp0<>+24(SB)/4, $0x39506967
DATA expp0<>+28(SB)/4, $0x39506967
GLOBL expp0<>(SB), RODATA|NOPTR, $32

DATA expp1<>+0(SB)/4, $0x3ab743ce
DATA expp1<>+4(SB)/4, $0x3ab743ce
DATA expp1<>+8(SB)/4, $0x3ab743ce
DATA expp1<>+12(SB)/4, $0x3ab743ce
DATA expp1<>+16(SB)/4, $0x3ab743ce
DATA expp1<>+20(SB)/4, $0x3ab743ce
DATA expp1<>+24(SB)/4, $0x3ab743ce
DATA expp1<>+28(SB)/4, $0x3ab743ce
GLOBL expp1<>(SB), RODATA|NOPTR, $32

DATA expp2<>+0(SB)/4, $0x3c088908
DATA expp2<>+4(SB)/4, $0x3c088908
DATA expp2<>+8(SB)/4, $0x3c088908
DATA expp2<>+12(SB)/4, $0x3c088908
DATA expp2<>+16(SB)/4, $0x3c088908
DATA expp2<>+20(SB)/4, $0x3c088908
DATA expp2<>+24(SB)/4, $0x3c088908
DATA expp2<>+28(SB)/4, $0x3c088908
GLOBL expp2<>(SB), RODATA|NOPTR, $32

DATA expp3<>+0(SB)/4, $0x3d2aa9c1
DATA expp3<>+4(SB)/4, $0x3d2aa9c1
DATA expp3<>+8(SB)/4, $0x3d2aa9c1
DATA expp3<>+12(SB)/4, $0x3d2aa9c1
DATA expp3<>+16(SB)/4, $0x3d2aa9c1
DATA expp3<>+20(SB)/4, $0x3d2aa9c1
DATA expp3<>+24(SB)/4, $0x3d2aa9c1
DATA expp3<>+28(SB)/4, $0x3d2aa9c1
GLOBL expp3<>(SB), RODATA|NOPTR, $32

DATA expp4<>+0(SB)/4, $0x3e2aaaaa
DATA expp4<>+4(SB)/4, $0x3e2aaaaa
DATA expp4<>+8(SB)/4, $0x3e2aaaaa
DATA expp4<>+12(SB)/4, $0x3e2aaaaa
DATA expp4<>+16(SB)/4, $0x3e2aaaaa
DATA expp4<>+20(SB)/4, $0x3e2aaaaa
DATA expp4<>+24(SB)/4, $0x3e2aaaaa
DATA expp4<>+28(SB)/4, $0x3e2aaaaa
GLOBL expp4<>(SB), RODATA|NOPTR, $32

DATA expp5<>+0(SB)/4, $0x3f000000
DATA expp5<>+4(SB)/4, $0x3f000000
DATA expp5<>+8(SB)/4, $0x3f000000
DATA expp5<>+12(SB)/4, $0x3f000000
DATA expp5<>+16(SB)/4, $0x3f000000
DATA expp5<>+20(SB)/4, $0x3f000000
DATA expp5<>+24(SB)/4, $0x3f000000
DATA expp5<>+28(SB)/4, $0x3f000000
GLOBL expp5<>(SB), RODATA|NOPTR, $32

DATA expbig<>+0(SB)/4, $0x42b17218
DATA expbig<>+4(SB)/4, $0x42b17218
DATA expbig<>+8(SB)/4, $0x42b17218
DATA expbig<>+12(SB)/4, $0x42b17218
DATA expbig<>+16(SB)/4, $0x42b17218
DATA expbig<>+20(SB)/4, $0x42b17218
DATA expbig<>+24(SB)/4, $0x42b17218
DATA expbig<>+28(SB)/4, $0x42b17218
GLOBL expbig<>(SB), RODATA|NOPTR, $32

DATA expinf<>+0(SB)/4, $0x7f800000
DATA expinf<>+4(SB)/4, $0x7f800000
DATA expinf<>+8(SB)/4, $0x7f800000
DATA expinf<>+12(SB)/4, $0x7f800000
DATA expinf<>+16(SB)/4, $0x7f800000
DATA expinf<>+20(SB)/4, $0x7f800000
DATA expinf<>+24(SB)/4, $0x7f800000
DATA expinf<>+28(SB)/4, $0x7f800000
GLOBL expinf<>(SB), RODATA|NOPTR, $32

// The constants of erf8, likewise.
DATA explo<>+0(SB)/4, $0xc2b0c0a5
DATA explo<>+4(SB)/4, $0xc2b0c0a5
DATA explo<>+8(SB)/4, $0xc2b0c0a5
DATA explo<>+12(SB)/4, $0xc2b0c0a5
DATA explo<>+16(SB)/4, $0xc2b0c0a5
DATA explo<>+20(SB)/4, $0xc2b0c0a5
DATA explo<>+24(SB)/4, $0xc2b0c0a5
DATA explo<>+28(SB)/4, $0xc2b0c0a5
GLOBL explo<>(SB), RODATA|NOPTR, $32

DATA exphalf<>+0(SB)/4, $0x3f000000
DATA exphalf<>+4(SB)/4, $0x3f000000
DATA exphalf<>+8(SB)/4, $0x3f000000
DATA exphalf<>+12(SB)/4, $0x3f000000
DATA exphalf<>+16(SB)/4, $0x3f000000
DATA exphalf<>+20(SB)/4, $0x3f000000
DATA exphalf<>+24(SB)/4, $0x3f000000
DATA exphalf<>+28(SB)/4, $0x3f000000
GLOBL exphalf<>(SB), RODATA|NOPTR, $32

DATA explog2e<>+0(SB)/4, $0x3fb8aa3b
DATA explog2e<>+4(SB)/4, $0x3fb8aa3b
DATA explog2e<>+8(SB)/4, $0x3fb8aa3b
DATA explog2e<>+12(SB)/4, $0x3fb8aa3b
DATA explog2e<>+16(SB)/4, $0x3fb8aa3b
DATA explog2e<>+20(SB)/4, $0x3fb8aa3b
DATA explog2e<>+24(SB)/4, $0x3fb8aa3b
DATA explog2e<>+28(SB)/4, $0x3fb8aa3b
GLOBL explog2e<>(SB), RODATA|NOPTR, $32

DATA expc1<>+0(SB)/4, $0x3f318000
DATA expc1<>+4(SB)/4, $0x3f318000
DATA expc1<>+8(SB)/4, $0x3f318000
DATA expc1<>+12(SB)/4, $0x3f318000
DATA expc1<>+16(SB)/4, $0x3f318000
DATA expc1<>+20(SB)/4, $0x3f318000
DATA expc1<>+24(SB)/4, $0x3f318000
DATA expc1<>+28(SB)/4, $0x3f318000
GLOBL expc1<>(SB), RODATA|NOPTR, $32

DATA expc2<>+0(SB)/4, $0xb95e8083
DATA expc2<>+4(SB)/4, $0xb95e8083
DATA expc2<>+8(SB)/4, $0xb95e8083
DATA expc2<>+12(SB)/4, $0xb95e8083
DATA expc2<>+16(SB)/4, $0xb95e8083
DATA expc2<>+20(SB)/4, $0xb95e8083
DATA expc2<>+24(SB)/4, $0xb95e8083
DATA expc2<>+28(SB)/4, $0xb95e8083
GLOBL expc2<>(SB), RODATA|NOPTR, $32

DATA expone<>+0(SB)/4, $0x3f800000
DATA expone<>+4(SB)/4, $0x3f800000
DATA expone<>+8(SB)/4, $0x3f800000
DATA expone<>+12(SB)/4, $0x3f800000
DATA expone<>+16(SB)/4, $0x3f800000
DATA expone<>+20(SB)/4, $0x3f800000
DATA expone<>+24(SB)/4, $0x3f800000
DATA expone<>+28(SB)/4, $0x3f800000
GLOBL expone<>(SB), RODATA|NOPTR, $32

DATA erfp<>+0(SB)/4, $0x3ea7ba05
DATA erfp<>+4(SB)/4, $0x3ea7ba05
DATA erfp<>+8(SB)/4, $0x3ea7ba05
DATA erfp<>+12(SB)/4, $0x3ea7ba05
DATA erfp<>+16(SB)/4, $0x3ea7ba05
DATA erfp<>+20(SB)/4, $0x3ea7ba05
DATA erfp<>+24(SB)/4, $0x3ea7ba05
DATA erfp<>+28(SB)/4, $0x3ea7ba05
GLOBL erfp<>(SB), RODATA|NOPTR, $32

DATA erfa1<>+0(SB)/4, $0x3e827906
DATA erfa1<>+4(SB)/4, $0x3e827906
DATA erfa1<>+8(SB)/4, $0x3e827906
DATA erfa1<>+12(SB)/4, $0x3e827906
DATA erfa1<>+16(SB)/4, $0x3e827906
DATA erfa1<>+20(SB)/4, $0x3e827906
DATA erfa1<>+24(SB)/4, $0x3e827906
DATA erfa1<>+28(SB)/4, $0x3e827906
GLOBL erfa1<>(SB), RODATA|NOPTR, $32

DATA erfa2<>+0(SB)/4, $0xbe91a98e
DATA erfa2<>+4(SB)/4, $0xbe91a98e
DATA erfa2<>+8(SB)/4, $0xbe91a98e
DATA erfa2<>+12(SB)/4, $0xbe91a98e
DATA erfa2<>+16(SB)/4, $0xbe91a98e
DATA erfa2<>+20(SB)/4, $0xbe91a98e
DATA erfa2<>+24(SB)/4, $0xbe91a98e
DATA erfa2<>+28(SB)/4, $0xbe91a98e
GLOBL erfa2<>(SB), RODATA|NOPTR, $32

DATA erfa3<>+0(SB)/4, $0x3fb5f0e3
DATA erfa3<>+4(SB)/4, $0x3fb5f0e3
DATA erfa3<>+8(SB)/4, $0x3fb5f0e3
DATA erfa3<>+12(SB)/4, $0x3fb5f0e3
DATA erfa3<>+16(SB)/4, $0x3fb5f0e3
DATA erfa3<>+20(SB)/4, $0x3fb5f0e3
DATA erfa3<>+24(SB)/4, $0x3fb5f0e3
DATA erfa3<>+28(SB)/4, $0x3fb5f0e3
GLOBL erfa3<>(SB), RODATA|NOPTR, $32

DATA erfa4<>+0(SB)/4, $0xbfba00e3
DATA erfa4<>+4(SB)/4, $0xbfba00e3
DATA erfa4<>+8(SB)/4, $0xbfba00e3
DATA erfa4<>+12(SB)/4, $0xbfba00e3
DATA erfa4<>+16(SB)/4, $0xbfba00e3
DATA erfa4<>+20(SB)/4, $0xbfba00e3
DATA erfa4<>+24(SB)/4, $0xbfba00e3
DATA erfa4<>+28(SB)/4, $0xbfba00e3
GLOBL erfa4<>(SB), RODATA|NOPTR, $32

DATA erfa5<>+0(SB)/4, $0x3f87dc22
DATA erfa5<>+4(SB)/4, $0x3f87dc22
DATA erfa5<>+8(SB)/4, $0x3f87dc22
DATA erfa5<>+12(SB)/4, $0x3f87dc22
DATA erfa5<>+16(SB)/4, $0x3f87dc22
DATA erfa5<>+20(SB)/4, $0x3f87dc22
DATA erfa5<>+24(SB)/4, $0x3f87dc22
DATA erfa5<>+28(SB)/4, $0x3f87dc22
GLOBL erfa5<>(SB), RODATA|NOPTR, $32

DATA erf2pi<>+0(SB)/4, $0x3f906ebb
DATA erf2pi<>+4(SB)/4, $0x3f906ebb
DATA erf2pi<>+8(SB)/4, $0x3f906ebb
DATA erf2pi<>+12(SB)/4, $0x3f906ebb
DATA erf2pi<>+16(SB)/4, $0x3f906ebb
DATA erf2pi<>+20(SB)/4, $0x3f906ebb
DATA erf2pi<>+24(SB)/4, $0x3f906ebb
DATA erf2pi<>+28(SB)/4, $0x3f906ebb
GLOBL erf2pi<>(SB), RODATA|NOPTR, $32

DATA erft1<>+0(SB)/4, $0xbeaaaaab
DATA erft1<>+4(SB)/4, $0xbeaaaaab
DATA erft1<>+8(SB)/4, $0xbeaaaaab
DATA erft1<>+12(SB)/4, $0xbeaaaaab
DATA erft1<>+16(SB)/4, $0xbeaaaaab
DATA erft1<>+20(SB)/4, $0xbeaaaaab
DATA erft1<>+24(SB)/4, $0xbeaaaaab
DATA erft1<>+28(SB)/4, $0xbeaaaaab
GLOBL erft1<>(SB), RODATA|NOPTR, $32

DATA erft2<>+0(SB)/4, $0x3dcccccd
DATA erft2<>+4(SB)/4, $0x3dcccccd
DATA erft2<>+8(SB)/4, $0x3dcccccd
DATA erft2<>+12(SB)/4, $0x3dcccccd
DATA erft2<>+16(SB)/4, $0x3dcccccd
DATA erft2<>+20(SB)/4, $0x3dcccccd
DATA erft2<>+24(SB)/4, $0x3dcccccd
DATA erft2<>+28(SB)/4, $0x3dcccccd
GLOBL erft2<>(SB), RODATA|NOPTR, $32

DATA erft3<>+0(SB)/4, $0xbcc30c31
DATA erft3<>+4(SB)/4, $0xbcc30c31
DATA erft3<>+8(SB)/4, $0xbcc30c31
DATA erft3<>+12(SB)/4, $0xbcc30c31
DATA erft3<>+16(SB)/4, $0xbcc30c31
DATA erft3<>+20(SB)/4, $0xbcc30c31
DATA erft3<>+24(SB)/4, $0xbcc30c31
DATA erft3<>+28(SB)/4, $0xbcc30c31
GLOBL erft3<>(SB), RODATA|NOPTR, $32

DATA erft4<>+0(SB)/4, $0x3b97b426
DATA erft4<>+4(SB)/4, $0x3b97b426
DATA erft4<>+8(SB)/4, $0x3b97b426
DATA erft4<>+12(SB)/4, $0x3b97b426
DATA erft4<>+16(SB)/4, $0x3b97b426
DATA erft4<>+20(SB)/4, $0x3b97b426
DATA erft4<>+24(SB)/4, $0x3b97b426
DATA erft4<>+28(SB)/4, $0x3b97b426
GLOBL erft4<>(SB), RODATA|NOPTR, $32

DATA erft5<>+0(SB)/4, $0xba46980c
DATA erft5<>+4(SB)/4, $0xba46980c
DATA erft5<>+8(SB)/4, $0xba46980c
DATA erft5<>+12(SB)/4, $0xba46980c
DATA erft5<>+16(SB)/4, $0xba46980c
DATA erft5<>+20(SB)/4, $0xba46980c
DATA erft5<>+24(SB)/4, $0xba46980c
DATA erft5<>+28(SB)/4, $0xba46980c
GLOBL erft5<>(SB), RODATA|NOPTR, $32

DATA erft6<>+0(SB)/4, $0x38e00e01
DATA erft6<>+4(SB)/4, $0x38e00e01
DATA erft6<>+8(SB)/4, $0x38e00e01
DATA erft6<>+12(SB)/4, $0x38e00e01
DATA erft6<>+16(SB)/4, $0x38e00e01
DATA erft6<>+20(SB)/4, $0x38e00e01
DATA erft6<>+24(SB)/4, $0x38e00e01
DATA erft6<>+28(SB)/4, $0x38e00e01
GLOBL erft6<>(SB), RODATA|NOPTR, $32

DATA exp127<>+0(SB)/4, $0x0000007f
DATA exp127<>+4(SB)/4, $0x0000007f
DATA exp127<>+8(SB)/4, $0x0000007f
DATA exp127<>+12(SB)/4, $0x0000007f
DATA exp127<>+16(SB)/4, $0x0000007f
DATA exp127<>+20(SB)/4, $0x0000007f
DATA exp127<>+24(SB)/4, $0x0000007f
DATA exp127<>+28(SB)/4, $0x0000007f
GLOBL exp127<>(SB), RODATA|NOPTR, $32

DATA erfabs<>+0(SB)/4, $0x7fffffff
DATA erfabs<>+4(SB)/4, $0x7fffffff
DATA erfabs<>+8(SB)/4, $0x7fffffff
DATA erfabs<>+12(SB)/4, $0x7fffffff
DATA erfabs<>+16(SB)/4, $0x7fffffff
DATA erfabs<>+20(SB)/4, $0x7fffffff
DATA erfabs<>+24(SB)/4, $0x7fffffff
DATA erfabs<>+28(SB)/4, $0x7fffffff
GLOBL erfabs<>(SB), RODATA|NOPTR, $32

DATA erfsign<>+0(SB)/4, $0x80000000
DATA erfsign<>+4(SB)/4, $0x80000000
DATA erfsign<>+8(SB)/4, $0x80000000
DATA erfsign<>+12(SB)/4, $0x80000000
DATA erfsign<>+16(SB)/4, $0x80000000
DATA erfsign<>+20(SB)/4, $0x80000000
DATA erfsign<>+24(SB)/4, $0x80000000
DATA erfsign<>+28(SB)/4, $0x80000000
GLOBL erfsign<>(SB), RODATA|NOPTR, $32

// func expAffine8(dst, src *float32, a, b float32, n8 int)
//
// dst[i] = exp(a·src[i] + b) as Cephes' expf computes it: the argument
// v is clamped to ±88.376, split as v = n·ln 2 + r with n = floor(v·log2 e
// + 1/2) (ln 2 in two parts, so that r is exact), exp(r) is a degree-7
// polynomial (about 1 ulp), and 2^n is built in the exponent bits. A NaN
// argument gives NaN; arguments past ln(largest float32) give +Inf, and
// those below −88.4 give 0 (no subnormals).
TEXT ·expAffine8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n8+24(FP), CX
	VBROADCASTSS a+16(FP), Y15
	VBROADCASTSS b+20(FP), Y14
	MOVL $0x3fb8aa3b, AX
	VMOVD AX, X5
	VBROADCASTSS X5, Y5
	MOVL $0x3f318000, AX
	VMOVD AX, X6
	VBROADCASTSS X6, Y6
	MOVL $0xb95e8083, AX
	VMOVD AX, X7
	VBROADCASTSS X7, Y7
	MOVL $0x3f800000, AX
	VMOVD AX, X10
	VBROADCASTSS X10, Y10
	MOVL $0x3f000000, AX
	VMOVD AX, X11
	VBROADCASTSS X11, Y11
	MOVL $0x42b0c0a5, AX
	VMOVD AX, X12
	VBROADCASTSS X12, Y12
	MOVL $0xc2b0c0a5, AX
	VMOVD AX, X13
	VBROADCASTSS X13, Y13
	MOVL $127, AX
	VMOVD AX, X9
	VPBROADCASTD X9, Y9
	TESTQ CX, CX
	JZ    expdone

exploop:
	VMOVUPS     (SI), Y0
	VFMADD213PS Y14, Y15, Y0 // v = a·x + b
	VMOVAPS     Y0, Y8       // kept for NaN
	VMINPS      Y12, Y0, Y0
	VMAXPS      Y13, Y0, Y0
	VMOVAPS     Y11, Y1
	VFMADD231PS Y5, Y0, Y1   // v·log2 e + 1/2
	VROUNDPS    $1, Y1, Y1   // n = floor(...)
	VFNMADD231PS Y6, Y1, Y0  // r = v − n·c1
	VFNMADD231PS Y7, Y1, Y0  // r −= n·c2
	VMOVUPS     expp0<>(SB), Y2
	VFMADD213PS expp1<>(SB), Y0, Y2
	VFMADD213PS expp2<>(SB), Y0, Y2
	VFMADD213PS expp3<>(SB), Y0, Y2
	VFMADD213PS expp4<>(SB), Y0, Y2
	VFMADD213PS expp5<>(SB), Y0, Y2
	VMULPS      Y0, Y0, Y3   // r²
	VFMADD213PS Y0, Y3, Y2   // p·r² + r
	VADDPS      Y10, Y2, Y2  // + 1
	VCVTTPS2DQ  Y1, Y4
	VPADDD      Y9, Y4, Y4
	VPSLLD      $23, Y4, Y4  // 2^n
	VMULPS      Y4, Y2, Y2
	VCMPPS      $0x1e, expbig<>(SB), Y8, Y3 // v > ln(largest float32)
	VBLENDVPS   Y3, expinf<>(SB), Y2, Y2
	VCMPPS      $3, Y8, Y8, Y3 // unordered: v is NaN
	VBLENDVPS   Y3, Y8, Y2, Y2
	VMOVUPS     Y2, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         exploop

expdone:
	VZEROUPPER
	RET

// func erf8(dst, src *float32, s float32, n8 int)
//
// dst[i] = erf(x) for x = s·src[i]: below |x| = 0.5 the Taylor
// polynomial x·(2/√π)·(1 − x²/3 + x⁴/10 − ... + x¹²/9360), above it
// Abramowitz and Stegun's 7.1.26, sign(x)·(1 − t·P(t)·exp(−x²)) with
// t = 1/(1 + 0.3275911·|x|), exp as in expAffine8. Absolute error under
// 3e-7; NaN gives NaN, ±Inf gives ±1.
TEXT ·erf8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	VBROADCASTSS s+16(FP), Y15
	MOVQ n8+24(FP), CX
	TESTQ CX, CX
	JZ    erfdone

erfloop:
	VMULPS       (SI), Y15, Y0              // x
	VANDPS       erfabs<>(SB), Y0, Y1       // |x|
	VMULPS       Y1, Y1, Y2                 // z = x²
	VXORPS       Y3, Y3, Y3
	VSUBPS       Y2, Y3, Y3                 // v = −z
	VMAXPS       explo<>(SB), Y3, Y3
	VMOVUPS      exphalf<>(SB), Y4
	VFMADD231PS  explog2e<>(SB), Y3, Y4
	VROUNDPS     $1, Y4, Y4                 // n
	VFNMADD231PS expc1<>(SB), Y4, Y3
	VFNMADD231PS expc2<>(SB), Y4, Y3        // r
	VMOVUPS      expp0<>(SB), Y5
	VFMADD213PS  expp1<>(SB), Y3, Y5
	VFMADD213PS  expp2<>(SB), Y3, Y5
	VFMADD213PS  expp3<>(SB), Y3, Y5
	VFMADD213PS  expp4<>(SB), Y3, Y5
	VFMADD213PS  expp5<>(SB), Y3, Y5
	VMULPS       Y3, Y3, Y6
	VFMADD213PS  Y3, Y6, Y5
	VADDPS       expone<>(SB), Y5, Y5
	VCVTTPS2DQ   Y4, Y4
	VPADDD       exp127<>(SB), Y4, Y4
	VPSLLD       $23, Y4, Y4
	VMULPS       Y4, Y5, Y5                 // e = exp(−x²)
	VMOVUPS      expone<>(SB), Y6
	VFMADD231PS  erfp<>(SB), Y1, Y6         // 1 + p·|x|
	VMOVUPS      expone<>(SB), Y7
	VDIVPS       Y6, Y7, Y7                 // t
	VMOVUPS      erfa5<>(SB), Y8
	VFMADD213PS  erfa4<>(SB), Y7, Y8
	VFMADD213PS  erfa3<>(SB), Y7, Y8
	VFMADD213PS  erfa2<>(SB), Y7, Y8
	VFMADD213PS  erfa1<>(SB), Y7, Y8
	VMULPS       Y7, Y8, Y8
	VMULPS       Y5, Y8, Y8                 // t·P(t)·e
	VMOVUPS      expone<>(SB), Y9
	VSUBPS       Y8, Y9, Y9
	VANDPS       erfsign<>(SB), Y0, Y10
	VORPS        Y10, Y9, Y9                // the sign of x
	VMOVUPS      erft6<>(SB), Y11
	VFMADD213PS  erft5<>(SB), Y2, Y11
	VFMADD213PS  erft4<>(SB), Y2, Y11
	VFMADD213PS  erft3<>(SB), Y2, Y11
	VFMADD213PS  erft2<>(SB), Y2, Y11
	VFMADD213PS  erft1<>(SB), Y2, Y11
	VFMADD213PS  expone<>(SB), Y2, Y11
	VMULPS       erf2pi<>(SB), Y0, Y12
	VMULPS       Y12, Y11, Y11              // the Taylor polynomial
	VCMPPS       $1, exphalf<>(SB), Y1, Y13 // |x| < 0.5
	VBLENDVPS    Y13, Y11, Y9, Y9
	VMOVUPS      Y9, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          erfloop

erfdone:
	VZEROUPPER
	RET
