@testable import PostgresStore
import Testing

@Suite("PostgreSQL placeholders")
struct PostgresPlaceholderTests {
    @Test("each ? outside quotes becomes $1, $2, … in order; a numbered ?2 keeps its number; quoted text and names are left as they are",
          arguments: [
              ("SELECT ?, ?", "SELECT $1, $2"),
              ("WHERE a = '?' AND b = ?", "WHERE a = '?' AND b = $1"),
              ("WHERE \"odd?name\" = ? OR c = 'it''s ?' OR d = ?", "WHERE \"odd?name\" = $1 OR c = 'it''s ?' OR d = $2"),
              ("WHERE w = ?1 AND (CAST(?2 AS TEXT) IS NULL OR id = ?2) LIMIT ?3", "WHERE w = $1 AND (CAST($2 AS TEXT) IS NULL OR id = $2) LIMIT $3"),
              ("VALUES (?, ?), (?, ?), (?, ?), (?, ?), (?, ?), (?, ?)", "VALUES ($1, $2), ($3, $4), ($5, $6), ($7, $8), ($9, $10), ($11, $12)"),
              ("SELECT 'é?' || ?", "SELECT 'é?' || $1"),
          ])
    func placeholders(_ sql: String, _ expected: String) {
        #expect(PostgresTransaction.numberedPlaceholders(sql) == expected)
    }
}

@Suite("PostgreSQL store URLs")
struct PostgresURLTests {
    @Test("a URL that is not a PostgreSQL one is refused without repeating a password it holds",
          arguments: ["mysql://maya:hunter2-secret@db/app", "postgre://maya:hunter2-secret@db/app", "maya:hunter2-secret@db/app"])
    func noPasswordInRefusal(_ text: String) {
        #expect { try PostgresURL(text) } throws: { error in
            "\(error)".contains("not a PostgreSQL URL") && !"\(error)".contains("hunter2")
        }
    }

    @Test("a URL with a password prints it masked")
    func maskedPassword() throws {
        let url = try PostgresURL("postgres://maya:hunter2-secret@db.internal:6543/app?schema=team")
        #expect(url.description == "postgres://maya:***@db.internal:6543/app?schema=team")
        #expect(url.password == "hunter2-secret" && url.port == 6543 && url.schema == "team")
    }
}
