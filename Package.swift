// swift-tools-version:6.0
import PackageDescription

// Layers (each may import only the ones above it):
//   TokenLabCore   virtual clock, (time, sequence) event queue, seeded random streams
//   CLibCrypto     HMAC-SHA256 and SHA-256 through the system libcrypto (C)
//   TokenLabTokens JWS/JWT encode, sign, verify, decode, forge; JWK; time is passed in
//   TokenLabWorld  parties, policy, command language, interpreter, trace model
//   tokenlab       the executable: argument parsing, files, stdout, wall-clock timing
// Release builds of the simulation skip the runtime exclusivity checks on
// class properties (about 5% of the bench's time); debug builds and the
// tests keep them, so an overlapping access is still caught there.
let hotPathSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "tokenlab",
    products: [
        .executable(name: "tokenlab", targets: ["tokenlab"]),
        .library(name: "TokenLabWorld", targets: ["TokenLabWorld"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
    ],
    targets: [
        .target(
            name: "TokenLabCore",
            dependencies: [.product(name: "HeapModule", package: "swift-collections")]
        ),
        // HMAC-SHA256 and SHA-256 on the hot path, through the system OpenSSL
        // libcrypto's EVP interface (libssl-dev): about 2x swift-crypto's
        // public API there, which allocates a hash context per MAC.
        .target(
            name: "CLibCrypto",
            linkerSettings: [.linkedLibrary("crypto")]
        ),
        .target(
            name: "TokenLabTokens",
            dependencies: [
                "TokenLabCore",
                "CLibCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "TokenLabWorld",
            dependencies: ["TokenLabCore", "TokenLabTokens"],
            swiftSettings: hotPathSettings
        ),
        // GNU readline for the REPL (libreadline-dev).
        .systemLibrary(
            name: "CReadline",
            providers: [.apt(["libreadline-dev"])]
        ),
        .executableTarget(
            name: "tokenlab",
            dependencies: [
                "TokenLabWorld",
                "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "TokenLabCoreTests", dependencies: ["TokenLabCore"]),
        .testTarget(
            name: "TokenLabTokensTests",
            dependencies: ["TokenLabTokens", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "TokenLabWorldTests",
            dependencies: ["TokenLabWorld", "TokenLabTokens", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "tokenlabTests", dependencies: ["tokenlab", "TokenLabWorld"]),
    ]
)
