import FuzzSupport
import JourneyModel

/// One input: the text of a journey-as-code JSON file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    MapReading.check(FuzzDriver.bytes(data, size), syntax: .json)
    return 0
}

FuzzDriver.run(fuzzMapJSON)
