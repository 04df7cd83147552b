package neighbour

import "math"

// Names lists the measures All returns, in order.
var Names = []string{"N1", "N2", "N3", "N4", "T1", "LSC", "Density", "ClsCoef", "Hubs", "TwoNN"}

// All returns every measure of the package by name (see Names). TwoNN is
// NaN where it is undefined. N1 and N4 each compute n² distances again;
// the others read the structure.
func (nb *Neighbours) All() map[string]float64 {
	id, err := nb.TwoNN()
	if err != nil {
		id = math.NaN()
	}
	return map[string]float64{
		"N1":      nb.N1(),
		"N2":      nb.N2(),
		"N3":      nb.N3(),
		"N4":      nb.N4(),
		"T1":      nb.T1(),
		"LSC":     nb.LSC(),
		"Density": nb.Density(),
		"ClsCoef": nb.ClsCoef(),
		"Hubs":    nb.Hubs(),
		"TwoNN":   id,
	}
}
