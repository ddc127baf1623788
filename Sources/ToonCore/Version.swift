/// The ToonKit release this build is.
public enum ToonKitVersion {
    public static let string = "0.1.0"
}
