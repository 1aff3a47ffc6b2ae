import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.codehaus.jackson.JsonNode;
import org.codehaus.jackson.map.ObjectMapper;

/**
 * Reference verdicts from Apache Avro's own SchemaCompatibility (whatever avro.jar is on the
 * classpath; in this repository Debian's libavro-java 1.8.2).
 *
 * Input: one JSON object per line on stdin:
 *   {"reader": schema, "writer": schema, "readerReferences": [schema...], "writerReferences": [schema...]}
 * References are parsed first, in order, into the same parser, as Confluent Schema Registry does.
 *
 *   java AvroCompat              one line per pair: COMPATIBLE | INCOMPATIBLE | ERROR <message>
 *   java AvroCompat bench <reps> times the whole batch inside the JVM (best of 5 rounds of <reps>
 *                                batches, after a 5 s warm-up) and prints one JSON line:
 *                                {"pairs", "reps", "rounds", "checkPairsPerSec", "parseCheckPairsPerSec"}
 *   java AvroCompat canonical    one line per pair: the writer's Parsing Canonical Form, a tab, and
 *                                its hex SHA-256 fingerprint (SchemaNormalization)
 */
public final class AvroCompat {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final class Pair {
    final JsonNode json;
    Schema reader;
    Schema writer;

    Pair(JsonNode json) {
      this.json = json;
    }

    void parse() {
      reader = parseWithReferences(json.get("reader"), json.get("readerReferences"));
      writer = parseWithReferences(json.get("writer"), json.get("writerReferences"));
    }
  }

  private static Schema parseWithReferences(JsonNode schema, JsonNode references) {
    Schema.Parser parser = new Schema.Parser();
    if (references != null) {
      for (JsonNode reference : references) {
        parser.parse(reference.toString());
      }
    }
    return parser.parse(schema.toString());
  }

  private static boolean compatible(Pair pair) {
    return SchemaCompatibility.checkReaderWriterCompatibility(pair.reader, pair.writer).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
  }

  private static List<Pair> readPairs() throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    List<Pair> pairs = new ArrayList<Pair>();
    String line;
    while ((line = in.readLine()) != null) {
      if (!line.trim().isEmpty()) {
        pairs.add(new Pair(MAPPER.readTree(line)));
      }
    }
    return pairs;
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    List<Pair> pairs = readPairs();
    if (args.length >= 1 && args[0].equals("bench")) {
      bench(pairs, args.length >= 2 ? Integer.parseInt(args[1]) : 10, out);
    } else if (args.length >= 1 && args[0].equals("canonical")) {
      for (Pair pair : pairs) {
        Schema writer = parseWithReferences(pair.json.get("writer"), pair.json.get("writerReferences"));
        StringBuilder hex = new StringBuilder();
        for (byte b : SchemaNormalization.parsingFingerprint("SHA-256", writer)) {
          hex.append(String.format("%02x", b));
        }
        out.println(SchemaNormalization.toParsingForm(writer) + "\t" + hex);
      }
    } else {
      for (Pair pair : pairs) {
        String verdict;
        try {
          pair.parse();
          verdict = compatible(pair) ? "COMPATIBLE" : "INCOMPATIBLE";
        } catch (Exception e) {
          verdict = "ERROR " + String.valueOf(e.getMessage()).replace('\n', ' ');
        }
        out.println(verdict);
      }
    }
    out.flush();
  }

  private static final int ROUNDS = 5;

  /**
   * Check-only (schemas parsed once) and parse-plus-check throughput: after a JIT warm-up, the
   * best of ROUNDS timed rounds of `reps` batches each (the least disturbed by other processes).
   */
  private static void bench(List<Pair> pairs, int reps, PrintStream out) {
    for (Pair pair : pairs) {
      pair.parse();
    }
    long[] sink = new long[1];
    long warmUntil = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < warmUntil) {
      checkBatch(pairs, sink);
      parseCheckBatch(pairs, sink);
    }
    double check = 0;
    double parseCheck = 0;
    for (int round = 0; round < ROUNDS; round++) {
      long start = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        checkBatch(pairs, sink);
      }
      check = Math.max(check, (double) pairs.size() * reps / ((System.nanoTime() - start) / 1e9));
      start = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        parseCheckBatch(pairs, sink);
      }
      parseCheck = Math.max(parseCheck, (double) pairs.size() * reps / ((System.nanoTime() - start) / 1e9));
    }
    out.println("{\"pairs\":" + pairs.size() + ",\"reps\":" + reps + ",\"rounds\":" + ROUNDS
        + ",\"checkPairsPerSec\":" + Math.round(check)
        + ",\"parseCheckPairsPerSec\":" + Math.round(parseCheck)
        + ",\"sink\":" + sink[0] + "}");
  }

  private static void checkBatch(List<Pair> pairs, long[] sink) {
    for (Pair pair : pairs) {
      sink[0] += compatible(pair) ? 1 : 0;
    }
  }

  private static void parseCheckBatch(List<Pair> pairs, long[] sink) {
    for (Pair pair : pairs) {
      pair.parse();
      sink[0] += compatible(pair) ? 1 : 0;
    }
  }
}
