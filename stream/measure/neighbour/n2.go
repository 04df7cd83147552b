package neighbour

import "math"

// N2 returns ECoL's N2: the mean over points of r_i/(1+r_i), computed as
// 1 - 1/(r_i+1), where r_i is the ratio of the distance from x_i to its
// nearest neighbour of the same class (intra) to the distance to its
// nearest neighbour of another class (extra, the nearest enemy) (Lorena et
// al. 2019, §2.4; ECoL neighborhood.R, c.N2, summarised by mean). Values
// that are not finite (0/0: a point whose nearest friend and nearest enemy
// both duplicate it) are left out of the mean, as ECoL's summary does; a
// point alone in its class has r = +Inf and counts 1.
//
// Multiclass: native (extra is over all other classes). Zero distances
// count as they are under both rules. Memory: O(1) beyond the structure.
func (nb *Neighbours) N2() float64 { return N2Of(nb.sameD, nb.otherD) }

// N2Of is N2 from every point's distance to its nearest neighbour of the
// same class (same) and of another class (other), +Inf where there is
// none: the form a sharded run computes it in, from minima merged over
// shard pairs.
func N2Of(same, other []float64) float64 {
	s, c := 0.0, 0
	for i := range same {
		v := 1 - 1/(same[i]/other[i]+1)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		s += v
		c++
	}
	if c == 0 {
		return math.NaN()
	}
	return s / float64(c)
}

// N2Sums returns the earlier form of N2 (Ho and Basu 2002; DCoL; ECoL
// before 0.2): Σ intra / Σ extra over all points.
func (nb *Neighbours) N2Sums() float64 {
	a, b := 0.0, 0.0
	for i := range nb.n {
		if math.IsInf(nb.sameD[i], 1) {
			continue
		}
		a += nb.sameD[i]
		b += nb.otherD[i]
	}
	return a / b
}
