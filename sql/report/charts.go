package report

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// pngDPI renders PNGs at twice the 96 dots per inch of a CSS pixel, so
// they stay sharp on high-density screens; the page shows them at
// cssDPI.
const (
	pngDPI = 192
	cssDPI = 96
)

var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// categorical colours (Tableau 10), for series without an order.
var categorical = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
	{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
	{188, 189, 34, 255}, {23, 190, 207, 255},
}

// viridis anchors, for ordered series (epochs, training-set sizes); the
// pale yellow end is left out, as it is hard to see on white.
var viridis = []color.RGBA{
	{68, 1, 84, 255}, {72, 40, 120, 255}, {62, 74, 137, 255}, {49, 104, 142, 255},
	{38, 130, 142, 255}, {31, 158, 137, 255}, {53, 183, 121, 255}, {109, 205, 89, 255},
	{180, 222, 44, 255},
}

var dashes = [][]vg.Length{nil, {vg.Points(6), vg.Points(3)}, {vg.Points(2), vg.Points(2)},
	{vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)}}

var glyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{},
	draw.CrossGlyph{}, draw.PlusGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}}

// sequential returns the colour of the i-th of n ordered series.
func sequential(i, n int) color.Color {
	if n <= 1 {
		return viridis[0]
	}
	t := float64(i) / float64(n-1) * float64(len(viridis)-1)
	k := int(t)
	if k >= len(viridis)-1 {
		return viridis[len(viridis)-1]
	}
	f := t - float64(k)
	a, b := viridis[k], viridis[k+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-f) + float64(y)*f)) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

// series is one line of a chart.
type series struct {
	label string
	xs    []float64
	ys    []float64
}

// chart is a line chart with its legend beside it.
type chart struct {
	title, xLabel, yLabel string
	series                []series
	ordered               bool // colour series along a sequential map
	xTicks                []plot.Tick
	rotateTicks           bool
	xLog                  bool    // x values are drawn at their log10
	intX                  bool    // integer ticks on the x axis
	yMin, yMax            float64 // both 0: from the data
	width, height         vg.Length
	legendTitle           string
}

// newPlot returns a plot in the report's style.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 13)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 11)
		a.Tick.Label.Font = font.From(sans, 10)
		a.Padding = vg.Points(2)
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{Y: 225}
	grid.Horizontal.Color = color.Gray{Y: 225}
	p.Add(grid)
	return p
}

// intTicks marks the integers of [min, max], at most about 12 of them.
type intTicks struct{}

func (intTicks) Ticks(min, max float64) []plot.Tick {
	lo, hi := int(math.Ceil(min)), int(math.Floor(max))
	step := 1
	for (hi-lo)/step > 12 {
		switch {
		case step%5 == 0 && step%10 != 0:
			step *= 2
		case step == 1:
			step = 2
		case step == 2:
			step = 5
		default:
			step *= 2
		}
	}
	var ts []plot.Tick
	for v := lo; v <= hi; v++ {
		t := plot.Tick{Value: float64(v)}
		if (v-lo)%step == 0 {
			t.Label = strconv.Itoa(v)
		}
		ts = append(ts, t)
	}
	return ts
}

// build draws the chart's lines into a plot and a legend.
func (c *chart) build() (*plot.Plot, plot.Legend, error) {
	p := newPlot(c.title, c.xLabel, c.yLabel)
	leg := plot.NewLegend()
	leg.TextStyle.Font = font.From(sans, 10)
	leg.Top = true
	leg.Left = true
	leg.Padding = vg.Points(1)
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i, s := range c.series {
		xys := make(plotter.XYs, len(s.xs))
		for k := range s.xs {
			x := s.xs[k]
			if c.xLog {
				x = math.Log10(x)
			}
			xys[k] = plotter.XY{X: x, Y: s.ys[k]}
			xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, leg, fmt.Errorf("%s: %s: %w", c.title, s.label, err)
		}
		var col color.Color
		if c.ordered {
			col = sequential(i, len(c.series))
		} else {
			col = categorical[i%len(categorical)]
			line.Dashes = dashes[(i/len(categorical))%len(dashes)]
		}
		line.Color = col
		line.Width = vg.Points(1.6)
		points.Color = col
		points.Shape = glyphs[i%len(glyphs)]
		points.Radius = vg.Points(2.5)
		p.Add(line, points)
		leg.Add(s.label, line, points)
	}
	if c.yMin != 0 || c.yMax != 0 {
		p.Y.Min, p.Y.Max = c.yMin, c.yMax
	}
	switch {
	case c.xTicks != nil && c.xLog:
		ts := make([]plot.Tick, len(c.xTicks))
		for i, t := range c.xTicks {
			ts[i] = plot.Tick{Value: math.Log10(t.Value), Label: t.Label}
		}
		p.X.Tick.Marker = plot.ConstantTicks(ts)
	case c.xTicks != nil:
		p.X.Tick.Marker = plot.ConstantTicks(c.xTicks)
	case c.intX:
		p.X.Tick.Marker = intTicks{}
	}
	if xmin <= xmax {
		pad := (xmax - xmin) * 0.03
		if pad == 0 {
			pad = 0.5
		}
		p.X.Min, p.X.Max = xmin-pad, xmax+pad
	}
	if c.rotateTicks {
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YTop
	}
	return p, leg, nil
}

// leftOverhang is how far the rotated label of the chart's first x tick
// reaches left of the plot's own left margin, which gonum's layout does
// not leave room for.
func (c *chart) leftOverhang(p *plot.Plot) vg.Length {
	if !c.rotateTicks || len(c.xTicks) == 0 {
		return 0
	}
	cos := vg.Length(math.Cos(p.X.Tick.Label.Rotation))
	// Tick k sits about 50 points (the y axis, its label and tick
	// labels) plus k spacings right of the canvas's left edge; the
	// spacing is estimated with a legend of about 130 points.
	spacing := vg.Length(0)
	if n := len(c.xTicks); n > 1 {
		spacing = (c.width - vg.Points(180)) / vg.Length(n-1)
	}
	sty := p.X.Tick.Label
	sty.Rotation = 0
	over := vg.Length(0)
	for k, t := range c.xTicks {
		w := sty.Rectangle(t.Label).Size().X * cos
		over = max(over, w-vg.Points(50)-vg.Length(k)*spacing)
	}
	return over
}

// n1Range is the y range of N1 charts: from 0 to a little above the
// largest value, at most 1.
func n1Range(ss []series) (float64, float64) {
	hi := 0.0
	for _, s := range ss {
		for _, y := range s.ys {
			hi = math.Max(hi, y)
		}
	}
	hi = math.Min(1, math.Max(0.05, hi*1.08))
	return 0, hi
}

// figure is a plot with an optional legend to the right of it.
type figure struct {
	p             *plot.Plot
	leg           *plot.Legend
	legendTitle   string
	width, height vg.Length
	leftPad       vg.Length // room left of the plot for rotated tick labels
}

// legendWidth is the room the legend takes right of the plot.
func (f *figure) legendWidth(labels []string) vg.Length {
	if f.leg == nil {
		return 0
	}
	w := f.leg.TextStyle.Rectangle(f.legendTitle).Max.X
	for _, l := range labels {
		w = max(w, f.leg.ThumbnailWidth+f.leg.TextStyle.Rectangle(" "+l).Max.X)
	}
	return w + vg.Points(14)
}

// draw draws the figure on c.
func (f *figure) draw(c draw.Canvas, labels []string) {
	lw := f.legendWidth(labels)
	pc := c
	pc.Max.X -= lw
	pc.Min.X += f.leftPad
	f.p.Draw(pc)
	if f.leg == nil {
		return
	}
	lc := c
	lc.Min.X = c.Max.X - lw + vg.Points(8)
	// Align the legend's top with the top of the plot's data area.
	top := c.Max.Y - f.p.Title.TextStyle.Rectangle(f.p.Title.Text).Size().Y - f.p.Title.Padding - vg.Points(4)
	if f.legendTitle != "" {
		sty := f.leg.TextStyle
		sty.Font = font.From(sans, 10)
		sty.Font.Weight = xfont.WeightBold
		lc.FillText(sty, vg.Point{X: lc.Min.X, Y: top - sty.Rectangle(f.legendTitle).Size().Y}, f.legendTitle)
		top -= sty.Rectangle(f.legendTitle).Size().Y + vg.Points(4)
	}
	lc.Max.Y = top
	f.leg.Draw(lc)
}

// save writes the figure as name.png and name.svg in dir and returns
// the PNG's size in CSS pixels.
func (f *figure) save(dir, name string, labels []string) (w, h int, err error) {
	img := vgimg.NewWith(vgimg.UseWH(f.width, f.height), vgimg.UseDPI(pngDPI),
		vgimg.UseBackgroundColor(color.White))
	f.draw(draw.New(img), labels)
	if err := writeTo(filepath.Join(dir, name+".png"), vgimg.PngCanvas{Canvas: img}); err != nil {
		return 0, 0, err
	}
	svg := vgsvg.NewWith(vgsvg.UseWH(f.width, f.height))
	// vgsvg paints no background; give the SVG a white one like the PNG.
	dc := draw.New(svg)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	f.draw(dc, labels)
	if err := writeTo(filepath.Join(dir, name+".svg"), svg); err != nil {
		return 0, 0, err
	}
	return int(math.Round(f.width.Dots(cssDPI))), int(math.Round(f.height.Dots(cssDPI))), nil
}

func writeTo(path string, wt io.WriterTo) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := wt.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// render draws the chart and saves it as name.png and name.svg in dir.
func (c *chart) render(dir, name string) (image, error) {
	p, leg, err := c.build()
	if err != nil {
		return image{}, err
	}
	labels := make([]string, len(c.series))
	for i, s := range c.series {
		labels[i] = s.label
	}
	f := &figure{p: p, leg: &leg, legendTitle: c.legendTitle, width: c.width, height: c.height,
		leftPad: c.leftOverhang(p)}
	if len(c.series) < 2 && c.legendTitle == "" {
		f.leg = nil // the title names the one line
	}
	// Tall legends make the figure taller rather than overflow it.
	need := vg.Length(len(labels))*(leg.TextStyle.Rectangle("Xg").Size().Y+leg.Padding) + vg.Points(70)
	if f.height < need {
		f.height = need
	}
	return saveFigure(f, dir, name, labels)
}

// barChart is a bar chart of values with one named bar each.
type barChart struct {
	title, xLabel, yLabel string
	names                 []string
	values                []float64
	width, height         vg.Length
}

func (b *barChart) render(dir, name string) (image, error) {
	// Horizontal bars, named on the y axis: architecture names are long.
	p := newPlot(b.title, b.yLabel, b.xLabel)
	n := len(b.values)
	// The first bar at the top: bars go up the y axis, so reverse.
	vals := make(plotter.Values, n)
	names := make([]string, n)
	for i := range b.values {
		vals[n-1-i], names[n-1-i] = b.values[i], b.names[i]
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(12))
	if err != nil {
		return image{}, fmt.Errorf("%s: %w", b.title, err)
	}
	bars.Horizontal = true
	bars.Color = categorical[0]
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalY(names...)
	p.Y.Tick.Label.Font = font.From(sans, 9)
	p.X.Min, p.X.Max = 0, 1.18
	p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 0.25, Label: "0.25"},
		{Value: 0.5, Label: "0.5"}, {Value: 0.75, Label: "0.75"}, {Value: 1, Label: "1"}})
	labels := plotter.XYLabels{}
	for i, v := range vals {
		labels.XYs = append(labels.XYs, plotter.XY{X: v, Y: float64(i)})
		labels.Labels = append(labels.Labels, strconv.FormatFloat(v, 'f', 3, 64))
	}
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return image{}, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font = font.From(sans, 8)
		l.TextStyle[i].YAlign = draw.YCenter
	}
	l.Offset = vg.Point{X: vg.Points(3)}
	p.Add(l)
	h := max(b.height, vg.Length(n)*vg.Points(17)+vg.Points(80))
	return saveFigure(&figure{p: p, width: b.width, height: h}, dir, name, nil)
}

// image is a rendered figure: its files, relative to the report, and
// its size on the page in CSS pixels.
type image struct {
	PNG, SVG      string
	Width, Height int
}

func saveFigure(f *figure, dir, name string, labels []string) (image, error) {
	w, h, err := f.save(dir, name, labels)
	if err != nil {
		return image{}, err
	}
	return image{PNG: name + ".png", SVG: name + ".svg", Width: w, Height: h}, nil
}
