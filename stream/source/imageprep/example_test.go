package imageprep_test

import (
	"fmt"

	"cxray/stream/source/imageprep"
)

// torchvision's Resize(256) of a 640×480 photo keeps its aspect ratio;
// CenterCrop(224) then cuts the middle.
func ExamplePrep() {
	p := imageprep.Prep{Resize: []int{256}, CenterCrop: []int{224}, Channels: 3}
	w, h := imageprep.ResizedSize(640, 480, p.Resize)
	fmt.Printf("resized to %d×%d (width×height)\n", w, h)
	w, h = p.Size(640, 480)
	fmt.Printf("cropped to %d×%d\n", w, h)
	// Output:
	// resized to 341×256 (width×height)
	// cropped to 224×224
}

// A 4×1 ramp halved as PIL's antialiased bilinear filter halves it
// (Image.resize((2, 1), BILINEAR) gives the same): the triangle, stretched
// to twice its width, weighs the first output pixel's inputs 0, 100 and
// 200 by ¾, ¾ and ¼, so it is (75 + 50)/1.75 = 71.4.
func ExampleResize() {
	m := &imageprep.Image{W: 4, H: 1, C: 1, Step: 1, Pix: []uint8{0, 100, 200, 255}}
	r := imageprep.Resize(m, 2, 1)
	fmt.Println(r.Pix)
	// Output:
	// [71 209]
}
