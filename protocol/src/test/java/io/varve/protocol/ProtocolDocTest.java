package io.varve.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code docs/protocol.md}'s API table must list exactly {@link ApiKey}: same APIs, keys and bands, same order. */
class ProtocolDocTest {

    /** Surefire runs in the module directory. */
    private static final Path DOC = Path.of("..", "docs", "protocol.md");
    private static final String HEADER = "| API | key | versions | notes |";

    @Test
    void apiTableMatchesApiKey() throws IOException {
        List<String> documented = new ArrayList<>();
        for (String[] row : tableRows(Files.readAllLines(DOC))) {
            documented.add(row[0] + " | " + row[1] + " | " + row[2]);
            assertFalse(row[3].isEmpty(), "notes of " + row[0]);
        }
        List<String> served = new ArrayList<>();
        for (ApiKey key : ApiKey.values()) {
            served.add(key.displayName + " | " + key.id + " | " + key.advertisedMinVersion() + "-" + key.servedMaxVersion);
        }
        assertEquals(served, documented, DOC + " disagrees with ApiKey");
    }

    @Test
    void rowsAreParsedCellByCell() {
        List<String> lines = List.of("text", HEADER, "|---|---|---|---|", "| Fetch | 1 | 12-16 | a | b |", "", "| X | 9 | 1-1 | n |");
        List<String[]> rows = tableRows(lines);
        assertEquals(1, rows.size(), "the table ends at the first line that is not a row");
        assertEquals(List.of("Fetch", "1", "12-16", "a | b"), List.of(rows.get(0)));
    }

    /** The rows after {@link #HEADER} and its separator, up to the first non-row line, as 4 trimmed cells. */
    static List<String[]> tableRows(List<String> lines) {
        int header = lines.indexOf(HEADER);
        if (header < 0) {
            throw new AssertionError("no line '" + HEADER + "' in " + DOC);
        }
        List<String[]> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i).strip();
            String[] cells = line.substring(1, line.length() - 1).split("\\|", 4);
            if (cells.length != 4) {
                throw new AssertionError("row with fewer than 4 cells: " + line);
            }
            for (int c = 0; c < cells.length; c++) {
                cells[c] = cells[c].strip();
            }
            rows.add(cells);
        }
        return rows;
    }
}
