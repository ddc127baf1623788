/// File names for seeds, as NVLabs' generate.py writes them (`f'seed{seed:04d}.png'`): at least
/// four digits, and all of a large seed's digits. `String(format: "%04d")` would read a UInt32
/// above Int32.max as negative (4294967295 -> `seed-001`).
func seedFileStem(_ seed: UInt32) -> String {
    let digits = String(seed)
    return "seed" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
