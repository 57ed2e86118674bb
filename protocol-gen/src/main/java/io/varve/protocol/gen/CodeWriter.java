package io.varve.protocol.gen;

import java.util.List;

/** Java source text with indentation; {@code {} } opens and closes blocks. Not thread-safe. */
final class CodeWriter {

    /** Lines longer than this are wrapped where the generator knows how. */
    static final int WIDTH = 120;

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

    /**
     * {@code head + args + tail} on one line when it fits in {@link #WIDTH} columns, else {@code head}
     * and then one argument per line, indented twice more; brace rules apply to the last line.
     */
    CodeWriter wrapped(String head, List<String> args, String tail) {
        String one = head + String.join(", ", args) + tail;
        if (args.isEmpty() || indent * 4 + one.length() <= WIDTH) {
            return line(one);
        }
        sb.append("    ".repeat(indent)).append(head).append('\n');
        for (int i = 0; i < args.size() - 1; i++) {
            sb.append("    ".repeat(indent + 2)).append(args.get(i)).append(",\n");
        }
        return line("        " + args.get(args.size() - 1) + tail);
    }

    /** One statement over several lines when too long: the parts after the first are indented twice more. */
    CodeWriter continued(String first, String... rest) {
        String one = rest.length == 0 ? first : first + " " + String.join(" ", rest);
        if (indent * 4 + one.length() <= WIDTH) {
            return line(one.replace("( ", "("));
        }
        sb.append("    ".repeat(indent)).append(first).append('\n');
        for (String r : rest) {
            sb.append("    ".repeat(indent + 2)).append(r).append('\n');
        }
        return this;
    }

    CodeWriter blank() {
        sb.append('\n');
        return this;
    }

    /**
     * A javadoc comment; {@code lines} are already escaped, an empty one is a paragraph break. Long
     * lines are wrapped at spaces; a single short line becomes a one-line comment.
     */
    CodeWriter javadoc(List<String> lines) {
        int width = WIDTH - indent * 4 - 3;
        if (lines.size() == 1 && lines.get(0).length() + 7 <= width) {
            return line("/** " + lines.get(0) + " */");
        }
        line("/**");
        for (String l : lines) {
            if (l.isEmpty()) {
                line(" *");
                continue;
            }
            String continuation = l.startsWith("@") ? "    " : "";
            String rest = l;
            String prefix = "";
            while (prefix.length() + rest.length() > width) {
                int cut = rest.lastIndexOf(' ', width - prefix.length());
                if (cut <= 0) {
                    break;
                }
                line(" * " + prefix + rest.substring(0, cut));
                rest = rest.substring(cut + 1);
                prefix = continuation;
            }
            line(" * " + prefix + rest);
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
