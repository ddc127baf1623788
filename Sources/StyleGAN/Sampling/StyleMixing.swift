import ToonCore

/// Style mixing: the first `crossover` ws from one latent, the rest from another.
public enum StyleMixing {
    /// rows: [N, numWs, wDim] coarse styles, columns: [N, numWs, wDim] fine styles (N may be 1 on
    /// either side and is broadcast).
    public static func mix(_ coarse: Tensor, _ fine: Tensor, crossover: Int) -> Tensor {
        precondition(coarse.rank == 3 && coarse.shape.dropFirst() == fine.shape.dropFirst(), "style mixing of \(coarse.shape) and \(fine.shape)")
        let numWs = coarse.shape[1]
        let cut = min(max(crossover, 0), numWs)
        let n = max(coarse.shape[0], fine.shape[0])
        let a = coarse.expanded(to: [n] + coarse.shape.dropFirst()), b = fine.expanded(to: [n] + fine.shape.dropFirst())
        if cut == 0 { return b }
        if cut == numWs { return a }
        return Tensor.concatenate([a.slice(axis: 1, 0..<cut), b.slice(axis: 1, cut..<numWs)], axis: 1)
    }

    /// Mixing by layer list (NVLabs style_mixing.py `--styles 0-6`): the listed ws come from `styles`.
    public static func mix(_ base: Tensor, styles: Tensor, layers: [Int]) -> Tensor {
        precondition(base.shape == styles.shape, "style mixing of \(base.shape) and \(styles.shape)")
        let numWs = base.shape[1]
        let parts = (0..<numWs).map { i in (layers.contains(i) ? styles : base).slice(axis: 1, i..<(i + 1)) }
        return Tensor.concatenate(parts, axis: 1)
    }
}
