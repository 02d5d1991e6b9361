import FuzzSupport
import JourneyModel

/// One input: the text of a journey-as-code YAML file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    MapReading.check(FuzzDriver.bytes(data, size), syntax: .yaml)
    return 0
}

FuzzDriver.run(fuzzMapYAML)
