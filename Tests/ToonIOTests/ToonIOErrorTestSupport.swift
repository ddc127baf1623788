import Testing
import ToonIO

// Each area's problem, or nil when the error is about another area: tests that expected one of the
// former per-format error types check the area this way.
extension ToonIOError {
    var checkpointProblem: CheckpointProblem? { if case .checkpoint(let p) = problem { p } else { nil } }
    var tensorFileProblem: TensorFileProblem? { if case .tensorFile(let p) = problem { p } else { nil } }
    var imageProblem: ImageProblem? { if case .image(let p) = problem { p } else { nil } }
    var videoProblem: VideoProblem? { if case .video(let p) = problem { p } else { nil } }
    var writeProblem: WriteProblem? { if case .write(let p) = problem { p } else { nil } }

    /// Runs `body` and returns its checkpoint error, or nil when it succeeded; any other error is
    /// recorded as an issue.
    static func checkpointFailure(_ body: () throws -> Void) -> ToonIOError? {
        do {
            try body()
            return nil
        } catch let error as ToonIOError where error.checkpointProblem != nil {
            return error
        } catch {
            Issue.record("expected a checkpoint error, got \(error)")
            return nil
        }
    }
}
