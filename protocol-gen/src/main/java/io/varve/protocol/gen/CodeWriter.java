package io.varve.protocol.gen;

/** Java source text with indentation; {@code {} } opens and closes blocks. Not thread-safe. */
final class CodeWriter {

    private final StringBuilder sb = new StringBuilder();
    private int indent;

    /** One line; a line ending in "{" indents what follows, a line starting with "}" dedents itself. */
    CodeWriter line(String text) {
        if (text.startsWith("}")) {
            indent--;
        }
        if (!text.isEmpty()) {
            sb.append("    ".repeat(indent)).append(text);
        }
        sb.append('\n');
        if (text.endsWith("{")) {
            indent++;
        }
        return this;
    }

    CodeWriter blank() {
        sb.append('\n');
        return this;
    }

    /** A javadoc comment; {@code lines} are already escaped, an empty one is a paragraph break. */
    CodeWriter javadoc(java.util.List<String> lines) {
        line("/**");
        for (String l : lines) {
            line(l.isEmpty() ? " *" : " * " + l);
        }
        line(" */");
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }

    /** Text safe inside a javadoc comment. */
    static String doc(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*/", "*&#47;")
                .replace("@", "&#64;").replace("\\u", "\\\\u");
    }
}
