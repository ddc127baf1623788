import Foundation
import Testing
import ToonIO
import ToonTestSupport

/// `mpirun` across two hosts: two network namespaces joined by a veth pair stand in for two machines
/// (the files stay shared, as on a cluster's shared disk). Open MPI starts the second host's daemon
/// through a launcher script that enters its namespace (in place of ssh) and the ranks talk over
/// its TCP transport on the veth link alone.
@Suite("toon train across two hosts (network namespaces)", .serialized,
       .enabled(if: Toon.available && MPIRun.executable != nil, "needs the toon executable and Open MPI's mpirun"),
       .enabled(if: TwoHosts.canCreate, "cannot create network namespaces here (needs root and iproute2's `ip netns`): the two-host test is skipped"))
struct TrainTwoHostsCommandTests {
    @Test("a 2-rank run over TCP between two namespaces writes the snapshot a 2-rank run on loopback writes, bit for bit")
    func trainAcrossHosts() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("faces16.zip")
        #expect(try Toon.run(["dataset", "synth", "--count", "12", "--resolution", "16", "--style", "flat", "--out", data.path]).status == 0)
        let arguments = ["train", "--data", data.path, "--kimg", "0.016", "--metrics", "none"] + TrainClusterCommandTests.steps
        let (local, remote) = (folder.appendingPathComponent("local"), folder.appendingPathComponent("remote"))
        let loopback = try MPIRun.toon(ranks: 2, arguments + ["--outdir", local.path])
        #expect(loopback.status == 0, "\(loopback.stderr)")

        let hosts = try TwoHosts(folder: folder)
        defer { hosts.remove() }
        let job = try hosts.mpirun(arguments + ["--outdir", remote.path])
        #expect(job.status == 0, "\(job.stdout)\n\(job.stderr)")
        #expect(job.stdout.contains("over 2 ranks"), "\(job.stdout)")
        let launched = (try? String(contentsOf: hosts.launchLog, encoding: .utf8)) ?? ""
        #expect(launched.contains(hosts.addresses.1), "the second host's daemon was started through its namespace: \(launched)")
        let name = "network-snapshot-000000.safetensors"
        func snapshot(_ root: URL) throws -> Data {
            let run = try #require(try FileManager.default.contentsOfDirectory(atPath: root.path).first)
            return try Data(contentsOf: root.appendingPathComponent(run).appendingPathComponent(name))
        }
        #expect(try snapshot(remote) == snapshot(local), "TCP between hosts and shared memory on one sum the same way")
    }
}

/// Two network namespaces ("hosts") joined by a veth pair on a /24 of their own.
final class TwoHosts {
    let namespaces: (String, String)
    let addresses: (String, String)
    let subnet: String
    /// Where the launcher script notes each daemon it starts.
    let launchLog: URL
    private let launcher: URL
    private static let ip = (ProgramSearch.locate("ip") ?? ProgramSearch.locate("ip", searchPath: "/usr/sbin:/sbin"))?.path

    /// Whether this machine lets the tests create a network namespace (root, iproute2).
    static let canCreate: Bool = {
        guard ip != nil else { return false }
        let probe = "toonprobe\(getpid())"
        guard (try? run(["netns", "add", probe]))?.status == 0 else { return false }
        _ = try? run(["netns", "delete", probe])
        return true
    }()

    init(folder: URL) throws {
        let id = getpid()
        namespaces = ("toonA\(id)", "toonB\(id)")
        let net = "10.211.\(id % 250)"
        addresses = ("\(net).1", "\(net).2")
        subnet = "\(net).0/24"
        launchLog = folder.appendingPathComponent("launched.txt")
        launcher = folder.appendingPathComponent("enter-host.sh")
        // Open MPI's rsh launcher runs `agent HOST COMMAND...`: here, the command inside HOST's namespace.
        let script = """
            #!/bin/sh
            host="$1"; shift
            echo "$host" >> '\(launchLog.path)'
            case "$host" in \(addresses.0)) ns=\(namespaces.0) ;; \(addresses.1)) ns=\(namespaces.1) ;; *) exit 1 ;; esac
            exec '\(Self.ip!)' netns exec "$ns" /bin/sh -c "$*"

            """
        try Data(script.utf8).write(to: launcher)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: launcher.path)
        let (a, b) = namespaces, (va, vb) = ("tva\(id)", "tvb\(id)")
        let steps: [[String]] = [
            ["netns", "add", a], ["netns", "add", b],
            ["link", "add", va, "type", "veth", "peer", "name", vb],
            ["link", "set", va, "netns", a], ["link", "set", vb, "netns", b],
            ["netns", "exec", a, Self.ip!, "addr", "add", "\(addresses.0)/24", "dev", va],
            ["netns", "exec", b, Self.ip!, "addr", "add", "\(addresses.1)/24", "dev", vb],
            ["netns", "exec", a, Self.ip!, "link", "set", va, "up"], ["netns", "exec", b, Self.ip!, "link", "set", vb, "up"],
            ["netns", "exec", a, Self.ip!, "link", "set", "lo", "up"], ["netns", "exec", b, Self.ip!, "link", "set", "lo", "up"],
        ]
        for step in steps {
            let result = try Self.run(step)
            guard result.status == 0 else {
                remove()
                throw TwoHostsError(description: "ip \(step.joined(separator: " ")): \(result.stderr)")
            }
        }
    }

    /// Deletes both namespaces (and with them the veth pair).
    func remove() {
        _ = try? Self.run(["netns", "delete", namespaces.0])
        _ = try? Self.run(["netns", "delete", namespaces.1])
    }

    /// `mpirun -np 2` started in the first host's namespace, one rank a host, TCP on the veth link only.
    func mpirun(_ arguments: [String]) throws -> CommandResult {
        let variables = ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "TOONKIT_THREADS": "1"]
        let forwarded = variables.keys.sorted().flatMap { ["-x", $0] }
        let mpi = ["-np", "2", "--host", "\(addresses.0):1,\(addresses.1):1", "--mca", "plm_rsh_agent", launcher.path,
                   "--mca", "btl", "tcp,self", "--mca", "btl_tcp_if_include", subnet, "--mca", "oob_tcp_if_include", subnet]
        return try RunningCommand(URL(fileURLWithPath: Self.ip!), ["netns", "exec", namespaces.0, MPIRun.executable!.path] + mpi + forwarded
                                  + [Toon.executable.path] + arguments, environment: variables).wait()
    }

    private static func run(_ arguments: [String]) throws -> CommandResult {
        try RunningCommand(URL(fileURLWithPath: ip!), arguments, environment: [:]).wait()
    }
}

struct TwoHostsError: Error, CustomStringConvertible {
    let description: String
}
