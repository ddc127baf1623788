/// OpenCV's `cvRound` and `saturate_cast<int>`: nearest integer, ties to even (lrint in the default
/// rounding mode), for Float and Double arguments alike.
@inline(__always) func cvRound(_ value: Float) -> Int { Int(value.rounded(.toNearestOrEven)) }
@inline(__always) func cvRound(_ value: Double) -> Int { Int(value.rounded(.toNearestOrEven)) }
