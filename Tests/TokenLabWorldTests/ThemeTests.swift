import Testing
@testable import TokenLabWorld

/// `theme`: colour for a projector, or none; a theme never reaches a trace.
@Suite struct ThemeTests {
    static let escape = "\u{1B}["

    @Test func contrastHasNothingDimAndNoDarkBlue() throws {
        let session = try Session()
        session.colors = true
        for line in ["login alice", "steal all from alice via xss", "as mallory call GET /admin"] { #expect(session.execute(line).error == nil) }
        let events = session.world.events
        let usual = events.map { EventStyle.line(for: $0, colors: true) }.joined()
        #expect(usual.contains(Self.escape + "2m") && usual.contains(Self.escape + "34m"), "the default theme dims clocks and paints users blue")
        let contrast = events.map { EventStyle.line(for: $0, colors: true, theme: .contrast) }.joined()
        #expect(!contrast.contains(Self.escape + "2m") && !contrast.contains(Self.escape + "34m"), "contrast: no dim text, no dark blue")
        #expect(contrast.contains(Self.escape + "1;97;41m"), "a refusal stands out in reverse colours")
        let plain = events.map { EventStyle.line(for: $0, colors: true, theme: .plain) }
        #expect(plain == events.map(\.line), "plain: no colour at all")
        #expect(EventStyle.narration("a note", colors: false, theme: .contrast) == "a note", "no colour when the front end says none")
    }

    @Test func theThemeCommandChangesTheSessionNotTheWorld() throws {
        let session = try Session()
        #expect(session.execute("login alice").error == nil)
        let trace = session.trace
        #expect(session.execute("theme contrast").output == ["theme contrast (no colour here: not a terminal, or NO_COLOR is set)"])
        #expect(session.theme == .contrast && session.interpreter.theme == .contrast)
        #expect(session.execute("reset").error == nil && session.interpreter.theme == .contrast, "a fresh world keeps the theme")
        #expect(session.execute("theme").output.first?.hasPrefix("theme contrast") == true)
        #expect(session.execute("theme neon").error?.message == "theme: 'neon' is not default, contrast, plain; usage: theme [default|contrast|plain]")
        let again = try Session()
        _ = again.execute("login alice")
        #expect(again.trace == trace, "no theme in a trace")
        session.colors = true
        let diagram = session.execute("login alice").error == nil ? session.execute("diagram").output.joined() : ""
        #expect(diagram.contains(Self.escape) && !diagram.contains(Self.escape + "34m"), "pictures follow the theme")
    }
}
