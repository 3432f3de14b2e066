package io.github.jimengfetcher.log;

import java.util.List;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;
import org.apache.logging.log4j.core.pattern.PatternFormatter;
import org.apache.logging.log4j.status.StatusLogger;

/**
 * {@code %escape{pattern}} in a PatternLayout: what the pattern writes, with every control character
 * written as JSON writes it ({@code \n}, {@code \r}, {@code \t}, a backslash, u and four hex digits for the rest),
 * and so are the Unicode line and paragraph separators.
 * A message carries text from outside (a gateway's fail_reason, an inbox line): raw, a newline
 * there would forge log lines of its own and an escape sequence would drive the reader's terminal.
 * Log4j's own {@code %enc{}{CRLF}} covers only CR and LF. The stack trace after the message is not
 * inside, so it keeps its lines.
 */
@Plugin(name = "EscapedText", category = PatternConverter.CATEGORY)
@ConverterKeys({"escape"})
public final class EscapedText extends LogEventPatternConverter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final List<PatternFormatter> formatters;

    private EscapedText(List<PatternFormatter> formatters) {
        super("escape", "escape");
        this.formatters = formatters;
    }

    /** Called by Log4j with the converter's options: the one pattern inside the braces. */
    public static EscapedText newInstance(Configuration config, String[] options) {
        if (options == null || options.length != 1 || options[0] == null) {
            StatusLogger.getLogger().error("%escape takes one pattern: %escape{%msg}");
            return null;
        }
        return new EscapedText(PatternLayout.createPatternParser(config).parse(options[0]));
    }

    @Override
    public void format(LogEvent event, StringBuilder toAppendTo) {
        int start = toAppendTo.length();
        for (PatternFormatter formatter : formatters) {
            formatter.format(event, toAppendTo);
        }
        escape(toAppendTo, start);
    }

    /** Rewrites the control characters from start on in place; a text without any is left untouched. */
    static void escape(StringBuilder text, int start) {
        int at = start;
        while (at < text.length() && !isControl(text.charAt(at))) {
            at++;
        }
        if (at == text.length()) {
            return;
        }
        StringBuilder escaped = new StringBuilder(text.length() - start + 16);
        for (int i = at; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isControl(c)) {
                escaped.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                case '\b' -> escaped.append("\\b");
                case '\f' -> escaped.append("\\f");
                default -> escaped.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                        .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
            }
        }
        text.setLength(at);
        text.append(escaped);
    }

    /**
     * C0, DEL and C1: nothing a reader means to see as it is; and the line and paragraph separators,
     * which are not control characters but end a line for readers that split on every Unicode line end.
     */
    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
    }
}
