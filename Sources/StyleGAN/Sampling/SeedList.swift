import Foundation

/// Seed lists as people type them: `0-99,120,200-202`. Ranges are inclusive, order is kept, and
/// duplicates are kept too (a grid may repeat a face on purpose).
public enum SeedList {
    public static func parse(_ text: String) throws(StyleGANError) -> [UInt32] {
        var seeds: [UInt32] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard !item.isEmpty else { throw .seedList(.invalid(text, "empty item")) }
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            switch bounds.count {
            case 1:
                seeds.append(try number(bounds[0], in: text))
            case 2 where bounds[0].trimmingCharacters(in: .whitespaces).isEmpty:
                throw .seedList(.invalid(text, "\(item) is negative; numbers here are 0...\(UInt32.max)"))
            case 2 where bounds[1].trimmingCharacters(in: .whitespaces).isEmpty:
                throw .seedList(.invalid(text, "range \(item) has no end"))
            case 2:
                let lo = try number(bounds[0], in: text), hi = try number(bounds[1], in: text)
                guard lo <= hi else { throw .seedList(.invalid(text, "range \(item) runs backwards")) }
                guard Int(hi) - Int(lo) < 1_000_000 - seeds.count else { throw .seedList(.invalid(text, "more than a million seeds")) }
                seeds.append(contentsOf: lo...hi)
            default:
                throw .seedList(.invalid(text, "\(item) is not a number or a range a-b"))
            }
        }
        return seeds
    }

    private static func number(_ s: Substring, in text: String) throws(StyleGANError) -> UInt32 {
        guard let v = UInt32(s.trimmingCharacters(in: .whitespaces)) else {
            throw .seedList(.invalid(text, "'\(s)' is not a number in 0...\(UInt32.max)"))
        }
        return v
    }
}

extension StyleGANError {
    /// Why a seed list does not parse.
    public enum SeedListProblem: Equatable, Sendable {
        /// The text as given, and what is wrong with it.
        case invalid(String, String)

        var message: String {
            switch self { case .invalid(let text, let why): "invalid seed list '\(text)': \(why)" }
        }
    }
}
