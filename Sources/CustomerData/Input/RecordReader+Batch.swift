extension RecordReader {
    /// The largest Segment batch file read (it is read whole to find its messages).
    static let maximumBatchFileSize = 512 * 1024 * 1024

    /// The next message of a Segment batch file. The file is read whole and its messages found
    /// (``BatchEnvelope``); each is then checked and parsed alone, so a bad one is quarantined at
    /// its position (`batch[3]`) and the others are imported. A file that is no batch at all is
    /// one quarantined record for the whole file.
    func nextBatchRecord() throws(ByteSource.Failure) -> InputRecord? {
        if !started {
            started = true
            var bytes: [UInt8] = []
            var problem: RecordProblem?
            while let chunk = try source.next() {
                bytes += chunk
                if bytes.count > Self.maximumBatchFileSize {
                    problem = RecordProblem(field: "", message: "a batch file may be at most \(Self.maximumBatchFileSize >> 20) MB; split it or use NDJSON")
                    break
                }
            }
            if problem == nil {
                switch BatchEnvelope.scan(bytes) {
                case .success(let envelope): batch = envelope
                case .failure(let failure): problem = failure
                }
            }
            if let problem {
                return InputRecord(line: 0, location: "the whole file", text: Self.text(bytes[...]), result: .failure(problem))
            }
            batchBytes = bytes
        }
        guard batchIndex < batch.messages.count else { return nil }
        let message = batch.messages[batchIndex]
        batchIndex += 1
        let location = "batch[\(batchIndex - 1)]"
        let raw = batchBytes[message.range]
        func refused(_ message: String) -> InputRecord {
            InputRecord(line: batchIndex, location: location, text: Self.text(raw), result: .failure(RecordProblem(field: "", message: message)))
        }
        if let problem = Self.checkText(raw) { return refused(problem.message) }
        let parsed = raw.withUnsafeBufferPointer { buffer in Result { () throws(JSONParser.Failure) in try JSONParser.parse(buffer) } }
        switch parsed {
        case .failure(let failure):
            let before = raw.prefix(failure.offset)
            let line = message.line + before.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            let column = failure.offset - (before.lastIndex(of: 0x0A).map { $0 + 1 - raw.startIndex } ?? 0) + 1
            return refused("invalid JSON at line \(line), column \(column): \(failure.message)")
        case .success(let value):
            let text = value.json
            if text.utf8.count > EventDecoder.maximumRecordSize {
                return InputRecord(line: batchIndex, location: location, text: String(text.prefix(Self.maximumQuarantinedText)),
                                   result: .failure(RecordProblem(field: "", message: "the message is \(text.utf8.count) bytes; an event may have at most \(EventDecoder.maximumRecordSize)")))
            }
            return InputRecord(line: batchIndex, location: location, text: text, result: EventDecoder.decode(value))
        }
    }
}
