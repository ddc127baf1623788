#if Studio
import Foundation
import GRDB

/// Jobs kept in SQLite (GRDB), so a restart or a crash loses no finished result and finds the
/// unfinished ones again.
public final class JobStore: Sendable {
    private let database: DatabaseQueue

    /// Opens (or creates) the database at `url`.
    public init(url: URL) throws {
        database = try DatabaseQueue(path: url.path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("request", .text).notNull()
                t.column("status", .text).notNull()
                t.column("progress", .double).notNull()
                t.column("message", .text)
                t.column("resultFile", .text)
                t.column("resultType", .text)
                t.column("created", .double).notNull()
                t.column("updated", .double).notNull()
            }
        }
        try migrator.migrate(database)
    }

    /// Adds or replaces `job`.
    public func save(_ job: Job) throws {
        let request = String(decoding: try JSONEncoder().encode(job.request), as: UTF8.self)
        try database.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO job (id, request, status, progress, message, resultFile, resultType, created, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [job.id, request, job.status.rawValue, job.progress, job.message, job.resultFile, job.resultType,
                                 job.created, job.updated])
        }
    }

    /// The job with `id`, or nil.
    public func job(_ id: String) throws -> Job? {
        try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [id]) }.flatMap(Self.decode)
    }

    /// Every job, newest first.
    public func all() throws -> [Job] {
        try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM job ORDER BY created DESC, id") }.compactMap(Self.decode)
    }

    /// Jobs a previous run left queued or running, now queued again, oldest first.
    public func requeueUnfinished() throws -> [Job] {
        try database.write { db in
            try db.execute(sql: "UPDATE job SET status = 'queued', progress = 0 WHERE status IN ('queued', 'running')")
            return try Row.fetchAll(db, sql: "SELECT * FROM job WHERE status = 'queued' ORDER BY created, id").compactMap(Self.decode)
        }
    }

    private static func decode(_ row: Row) -> Job? {
        guard let text: String = row["request"], let request = try? JSONDecoder().decode(JobRequest.self, from: Data(text.utf8)),
              let status = JobStatus(rawValue: row["status"]) else { return nil }
        return Job(id: row["id"], request: request, status: status, progress: row["progress"], message: row["message"],
                   resultFile: row["resultFile"], resultType: row["resultType"], created: row["created"], updated: row["updated"])
    }
}
#endif
