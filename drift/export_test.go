package drift

// UpdateGoldenForTest lets the external tests share the -update flag.
func UpdateGoldenForTest() bool { return *update }
