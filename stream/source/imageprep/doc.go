// Package imageprep decodes PNG and JPEG images and preprocesses them as
// torchvision does for a PIL image, so that a model sees the tensors it
// was trained on:
//
//	datasets.ImageFolder(root, transform=Compose([
//	    Resize(size), CenterCrop(size), ToTensor(), Normalize(mean, std)]))
//
// ImageFolder's default loader opens each file with PIL and converts it
// with Image.convert("RGB"); a model that takes one channel is fed
// Image.convert("L"). Normalize is stream/source's Transform, applied to
// the tensors this package makes.
//
// # Conversion (PIL's Image.convert)
//
// RGB drops the alpha channel of RGBA and LA images without compositing
// it onto a background, looks palette images up in their palette (whose
// transparency is dropped too), and repeats a grey value in all three
// channels. L is PIL's ITU-R 601-2 luma in fixed point,
//
//	L = (19595·R + 38470·G + 7471·B + 2¹⁵) >> 16,
//
// of the RGB values. 16-bit PNG samples keep their high byte, as PIL does
// for 16-bit RGB; PIL clips 16-bit greyscale (mode I;16) to 255 instead
// of scaling it, which cxray does not imitate. A JPEG's YCbCr is turned
// into RGB by Go's image/jpeg and image/color (see JPEG below).
//
// # Resize (torchvision Resize, bilinear, on a PIL image)
//
// The output size: Resize([h, w]) gives h×w; Resize(n) scales the shorter
// side to n and the longer to ⌊n·long/short⌋ (Python's int() of a true
// division), keeping the orientation. An image already of that size is
// left as it is.
//
// The resampling is PIL's (libImaging/Resample.c, Pillow 9.4): a separable
// convolution, first along rows, then along columns, each pass rounded to
// 8 bits. For an axis of in pixels resized to out, scale = in/out; the
// filter is the triangle f(x) = max(0, 1−|x|) stretched by s = max(1,
// scale), so that downscaling averages over every input pixel it covers
// (the antialiasing torchvision ≥ 0.15 also asks of tensors), with support
// r = s. Output pixel i has its centre at c = (i+½)·scale and takes the
// input pixels j from ⌊c−r+½⌋ to ⌊c+r+½⌋ (clipped to the image) with
// weights f((j−c+½)/s), normalized to sum to 1 and rounded to fixed point
// with 22 fractional bits, ±½ away from zero. An output value is
// (2²¹ + Σ weight·pixel) >> 22, clipped to [0, 255]. The row pass runs only
// over the rows the column pass reads.
//
// Implemented so, the resize is PIL's bit for bit: cxray's tensors equal
// torchvision's on PNG images exactly (stream/source's TestImageFolder
// AgainstTorchvision). torchvision's resize of a float tensor with
// antialias=True, which skips the two roundings, differs from the PIL
// path by at most 1/255 on the fixtures (fixtures/images/refs.json);
// golang.org/x/image/draw's BiLinear is a different filter.
//
// # CenterCrop
//
// CenterCrop([h, w]) cuts h×w from the middle: top = round((H−h)/2), left
// = round((W−w)/2) with Python's round, half to even. A side shorter than
// the crop is first padded with zeros, ⌊(h−H)/2⌋ before and the rest
// after, as torchvision does.
//
// # ToTensor
//
// Channel-first float32 values v/255 (a float32 division).
//
// # JPEG
//
// PIL decodes JPEG with libjpeg(-turbo), Go with image/jpeg: the inverse
// DCTs round differently, and libjpeg interpolates subsampled chroma
// ("fancy upsampling") where Go repeats it. On the fixtures the decoded
// values differ by at most a few levels in 255 (the measured bound is in
// stream/source's TestImageFolderAgainstTorchvision and README.md);
// PNG images match exactly.
//
// # Hostile images
//
// The header is read (image.DecodeConfig) before anything is decoded. An
// image of more than MaxPixels pixels, or whose decoded form would take
// more than MaxDecodedBytes, is refused before it is decoded: a
// 100000×100000 PNG of a few kilobytes cannot make cxray allocate
// 30 GB. A file that is neither PNG nor JPEG, or is truncated, is an error.
// Decoding one image takes its decoded form (at most MaxDecodedBytes) plus
// 3 bytes a pixel for the conversion of palette and YCbCr images, and the
// resized and cropped copies.
package imageprep
