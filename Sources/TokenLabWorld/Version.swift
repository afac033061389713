/// tokenlab's version: printed at startup and written into every trace header.
public let toolVersion = "0.1.0"
