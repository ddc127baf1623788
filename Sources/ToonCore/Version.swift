/// The ToonKit release this build is.
public enum ToonKitVersion {
    public static let string = "0.2.0"
}
