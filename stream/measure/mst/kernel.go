package mst

import "cxray/stream/measure/internal/kernel"

// haveKernel reports whether the assembly kernel can run on this machine.
var haveKernel = kernel.Available

func dot6x2(a0, a1, a2, a3, a4, a5, b0, b1 *float32, k8 int, out *[12]float32) {
	kernel.Dot6x2(a0, a1, a2, a3, a4, a5, b0, b1, k8, out)
}
