/// Reverse-mode gradients of `output` with respect to each of `inputs`. Inputs that `output` does
/// not depend on get zeros.
///
/// - Parameters:
///   - output: the value to differentiate.
///   - inputs: the tensors to differentiate with respect to; the result has one gradient each.
///   - seed: the gradient of the final objective with respect to `output`; ones when nil
///     (so a scalar `output` gives the plain gradient).
///   - createGraph: record the backward pass itself, so the returned gradients can be
///     differentiated again (R1 and path-length regularisation need this).
public func gradients(of output: Tensor, wrt inputs: [Tensor], seed: Tensor? = nil,
                      createGraph: Bool = false) -> [Tensor] {
    precondition(seed == nil || seed!.shape == output.shape,
                 "gradient seed shape \(seed!.shape) differs from output shape \(output.shape)")
    let zeros = { inputs.map { Tensor.zeros($0.shape) } }
    guard let root = output.node else { return zeros() }
    let targets = Set(inputs.compactMap { $0.node.map(ObjectIdentifier.init) })
    let order = topologicalOrder(from: root, reaching: targets)
    guard !order.isEmpty else { return zeros() }

    var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed ?? Tensor.ones(output.shape)]
    let relevant = Set(order.map(ObjectIdentifier.init))
    let step = {
        for node in order.reversed() {
            let id = ObjectIdentifier(node)
            guard let vjp = node.vjp, let g = grads[id] else { continue }
            // Targets keep their gradient; everything else is released as soon as it is consumed.
            if !targets.contains(id) { grads[id] = nil }
            let needed = node.inputs.map { $0.map { relevant.contains(ObjectIdentifier($0)) } ?? false }
            let parentGrads = GradientRequest.$needed.withValue(needed) { vjp(g) }
            for (parent, pg) in zip(node.inputs, parentGrads) {
                guard let parent, let pg, relevant.contains(ObjectIdentifier(parent)) else { continue }
                precondition(pg.shape == parent.shape,
                             "\(node.name) VJP returned \(pg.shape) for an input of shape \(parent.shape)")
                let pid = ObjectIdentifier(parent)
                grads[pid] = grads[pid].map { $0 + pg } ?? pg
            }
        }
    }
    if createGraph { withGradients(step) } else { withoutGradients(step) }
    return inputs.map { x in x.node.flatMap { grads[ObjectIdentifier($0)] } ?? Tensor.zeros(x.shape) }
}

/// Nodes from which some target can be reached, parents before children, found with an explicit
/// stack (graphs of deep networks would overflow a recursive walk).
private func topologicalOrder(from root: GradNode, reaching targets: Set<ObjectIdentifier>) -> [GradNode] {
    var reaches: [ObjectIdentifier: Bool] = [:]
    var order: [GradNode] = []
    var stack: [(node: GradNode, expanded: Bool)] = [(root, false)]
    while let (node, expanded) = stack.popLast() {
        let id = ObjectIdentifier(node)
        if expanded {
            let hit = targets.contains(id) || node.inputs.contains { parent in
                parent.map { reaches[ObjectIdentifier($0)] == true } ?? false
            }
            reaches[id] = hit
            if hit { order.append(node) }
            continue
        }
        if reaches[id] != nil { continue }
        reaches[id] = false  // visiting; finalised when popped as expanded
        stack.append((node, true))
        for parent in node.inputs {
            if let parent, reaches[ObjectIdentifier(parent)] == nil { stack.append((parent, false)) }
        }
    }
    return order
}
