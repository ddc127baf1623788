/// The machine's working values. Lists, dicts, sets and objects are changed after they are made
/// (APPENDS, SETITEMS, BUILD) and may be shared through the memo, so they live in reference boxes
/// while the program runs and become immutable `PickleValue`s only at STOP.
enum PickleNode {
    case value(PickleValue)
    case box(PickleBox)
}

final class PickleBox {
    enum Kind { case list, tuple, dict, set, frozenSet, object, persistentID }

    let kind: Kind
    /// list / tuple / set elements, an object's APPENDS items, a persistent id's single element.
    var items: [PickleNode] = []
    /// dict pairs, an object's SETITEMS pairs.
    var pairs: [(PickleNode, PickleNode)] = []
    /// object only.
    var global: PickleGlobal?
    var args: [PickleNode] = []
    var keywordArgs: [(PickleNode, PickleNode)] = []
    var state: PickleNode?

    var frozen: PickleValue?
    var freezing = false

    init(_ kind: Kind) { self.kind = kind }

    /// Drops every child reference, so that tearing down a deep or cyclic graph never recurses.
    func clear() {
        items = []
        pairs = []
        args = []
        keywordArgs = []
        state = nil
        frozen = nil
    }
}

/// Converts boxes to values at STOP. Shared boxes are converted once and their values shared, so a
/// pickle that references one object many times cannot make this step exponential.
struct PickleFreezer {
    let maxNesting: Int
    let fail: (String) -> ToonIOError

    func freeze(_ node: PickleNode, depth: Int = 0) throws(ToonIOError) -> PickleValue {
        let box: PickleBox
        switch node {
        case .value(let value): return value
        case .box(let b): box = b
        }
        if let done = box.frozen { return done }
        guard !box.freezing else { throw fail("recursive structure (an object contains itself)") }
        guard depth < maxNesting else { throw fail("nesting deeper than \(maxNesting)") }
        box.freezing = true
        defer { box.freezing = false }
        let value: PickleValue
        switch box.kind {
        case .list: value = .list(try all(box.items, depth))
        case .tuple: value = .tuple(try all(box.items, depth))
        case .set: value = .set(try all(box.items, depth), frozen: false)
        case .frozenSet: value = .set(try all(box.items, depth), frozen: true)
        case .dict: value = .dict(try pairs(box.pairs, depth))
        case .persistentID: value = .persistentID(try freeze(box.items[0], depth: depth + 1))
        case .object:
            value = .object(PickleObject(
                global: box.global!, args: try all(box.args, depth), keywordArgs: try pairs(box.keywordArgs, depth),
                state: try box.state.map { (s) throws(ToonIOError) in try freeze(s, depth: depth + 1) },
                listItems: try all(box.items, depth), dictItems: try pairs(box.pairs, depth)))
        }
        box.frozen = value
        return value
    }

    private func all(_ nodes: [PickleNode], _ depth: Int) throws(ToonIOError) -> [PickleValue] {
        var out: [PickleValue] = []
        out.reserveCapacity(nodes.count)
        for n in nodes { out.append(try freeze(n, depth: depth + 1)) }
        return out
    }

    private func pairs(_ nodes: [(PickleNode, PickleNode)], _ depth: Int) throws(ToonIOError) -> [(PickleValue, PickleValue)] {
        var out: [(PickleValue, PickleValue)] = []
        out.reserveCapacity(nodes.count)
        for (k, v) in nodes { out.append((try freeze(k, depth: depth + 1), try freeze(v, depth: depth + 1))) }
        return out
    }
}
