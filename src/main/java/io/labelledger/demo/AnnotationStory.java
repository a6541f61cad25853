package io.labelledger.demo;

import static io.labelledger.demo.StorySteps.abbreviate;
import static io.labelledger.demo.StorySteps.await;
import static io.labelledger.demo.StorySteps.awaitNothingLeft;
import static io.labelledger.demo.StorySteps.check;
import static io.labelledger.demo.StorySteps.checkEqual;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.demo.StoryHttp.Reply;
import io.labelledger.demo.StorySteps.Buyer;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.parquet.example.data.Group;
import org.web3j.crypto.Credentials;

/**
 * Annotation campaigns end to end, as a team buying NER and detection data would run them: the
 * operator publishes terms, a {@code spans} campaign of sentences whose entities (PER, ORG, LOC)
 * the story wrote itself — names with accents and an emoji among the words, so code points and
 * UTF-16 units differ — and a {@code boxes} campaign of street images whose objects (car, person,
 * bicycle) the story placed. Five contributors with their own keys sign in and consent; four are
 * careful (one leaves out an entity once, one takes a word too many once; their boxes are off by up
 * to three pixels per edge, one draws a spurious box once) and one is careless (marks plain words
 * and empty corners). Every answer is signed as its canonical JSON.
 *
 * <p>The service's workers aggregate (spans matched by overlap, boxes clustered by IoU, both
 * weighted by estimated reliability) and anchor. The operator builds and lists a version of each;
 * a buyer pays for both from their own wallet and downloads the spans version as JSON Lines and
 * Parquet — character offsets, and whitespace tokens with BIO tags checked against the tags the
 * story wrote word by word — and the boxes version as COCO, each aggregated box matched to the
 * story's object at IoU ≥ 0.8 with its label, each image with the digests of its accepted
 * answers. Each contribution's status is checked (the careful accepted, the careless rejected) and
 * both versions' audit bundles are verified by {@code labelledger audit}. The first figure that
 * does not check out stops it with a {@link StoryFailure}.
 */
public final class AnnotationStory extends Story<AnnotationStory.Outcome> {
  static final List<String> SPAN_LABELS = List.of("LOC", "ORG", "PER");
  static final List<String> BOX_LABELS = List.of("bicycle", "car", "person");
  static final int WIDTH = 640;
  static final int HEIGHT = 480;
  /** careful-1 leaves out an entity on this answer of theirs... */
  static final int MISS_AT = 3;
  /** ...careful-2 takes one word too many on this one, careful-3 draws a spurious box on this one. */
  static final int SLIP_AT = 4;
  static final int JITTER = 3;
  static final double MIN_IOU = 0.8;

  /**
   * The story's sizes: {@code sentences} and {@code images} to annotate, {@code careful}
   * contributors besides the careless one, {@code overlap} answers per item, the {@code seed} that
   * writes sentences, places objects and jitters boxes, and each version's price.
   */
  public record Plan(int sentences, int images, int careful, int overlap, long seed, BigInteger price) {
    public static Plan standard() {
      return new Plan(12, 10, 4, 4, 20_261_207L, new BigInteger("4000000000000000003"));
    }
  }

  /** What the story leaves behind (all checked). */
  public record Outcome(String serviceUrl, long spansCampaignId, long boxesCampaignId, long spansDatasetId,
      long boxesDatasetId, int contributors, long contributionsSent, List<Long> acceptedContributions,
      long rejected, long entities, long tokens, long objects, long cocoAnnotations, Map<String, Double> seconds) {}

  private record Person(String name, boolean careful, Credentials key, String token) implements StorySteps.Signer {}

  private record Span(int start, int end, String label) {}

  private record Box(int x, int y, int w, int h, String label) {
    double iou(Box o) {
      long ix = Math.max(0, Math.min(x + w, o.x + o.w) - Math.max(x, o.x));
      long iy = Math.max(0, Math.min(y + h, o.y + o.h) - Math.max(y, o.y));
      long inter = ix * iy;
      return (double) inter / ((long) w * h + (long) o.w * o.h - inter);
    }
  }

  /** A sentence as the story wrote it: its words with their tags, and its entities in code points. */
  private record Sentence(String ref, String text, List<String> words, List<String> tags, List<Span> entities,
      List<Integer> plainWords, List<int[]> wordSpans) {}

  /** An image as the story placed its objects. */
  private record Image(String ref, String url, List<Box> objects) {}

  /** A signed annotation the service acknowledged; {@code accepted} is what the story expects of it. */
  private record Sent(Person who, String ref, long itemId, boolean accepted, long id, String digest) {}

  private final Plan plan;
  private final Map<String, Sentence> sentences = new LinkedHashMap<>();
  private final Map<String, Image> images = new LinkedHashMap<>();
  private final List<Person> people = new ArrayList<>();
  private final List<Sent> sent = new ArrayList<>();
  private String terms;
  private long spansCampaign;
  private long boxesCampaign;
  private long spansDataset;
  private long boxesDataset;
  private Buyer buyer;
  private long tokens;
  private long cocoAnnotations;

  public AnnotationStory(StorySetup setup, Plan plan) {
    super(setup, plan.seed());
    if (plan.careful() < 3 || plan.overlap() > plan.careful() + 1 || plan.sentences() < 1 || plan.images() < 1) {
      throw new IllegalArgumentException("need three careful contributors (their slips are on the first three),"
          + " an item of each type, and no more overlap than contributors");
    }
    this.plan = plan;
  }

  @Override
  Outcome play(long t0) {
    steps.timed("annotation", this::annotate);
    steps.timed("quality and anchoring", this::awaitQualityAndAnchoring);
    steps.timed("versions built and listed", this::buildAndList);
    steps.timed("purchase", this::purchase);
    steps.timed("exports", this::export);
    steps.timed("audit", () -> out.printf("audit: labelledger audit verified %s; %s%n", steps.audit(spansDataset),
        steps.audit(boxesDataset)));
    List<Sent> accepted = sent.stream().filter(Sent::accepted).toList();
    return new Outcome(setup.serviceUrl(), spansCampaign, boxesCampaign, spansDataset, boxesDataset, people.size(),
        sent.size(), accepted.stream().map(Sent::id).sorted().toList(), sent.size() - accepted.size(),
        sentences.values().stream().mapToLong(s -> s.entities().size()).sum(), tokens,
        images.values().stream().mapToLong(i -> i.objects().size()).sum(), cocoAnnotations, steps.seconds(t0));
  }

  // ------------------------------------------------------------------ the operator sets up

  @Override
  void publish() {
    terms = steps.publishTerms("You may sell my annotations (entities in texts, objects in images) for model"
        + " training. (annotation story " + Instant.now() + ")");
    spansCampaign = campaign("Story entities", "Mark every person (PER), organisation (ORG) and place (LOC).",
        "spans", SPAN_LABELS);
    boxesCampaign = campaign("Story street objects", "Draw a box around every car, person and bicycle.", "boxes",
        BOX_LABELS);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < plan.sentences(); i++) {
      Sentence s = sentence(String.format("s%02d", i + 1));
      sentences.put(s.ref(), s);
      ObjectNode line = StoryHttp.JSON.createObjectNode().put("id", s.ref());
      line.putObject("data").put("text", s.text());
      lines.append(line.toString()).append('\n');
    }
    steps.uploadItems(spansCampaign, lines.toString());
    lines.setLength(0);
    for (int i = 0; i < plan.images(); i++) {
      Image image = image(String.format("img%02d", i + 1));
      images.put(image.ref(), image);
      ObjectNode line = StoryHttp.JSON.createObjectNode().put("id", image.ref());
      line.putObject("data").put("image", image.url()).put("width", WIDTH).put("height", HEIGHT);
      lines.append(line.toString()).append('\n');
    }
    steps.uploadItems(boxesCampaign, lines.toString());
    out.printf("operator: terms %s; spans campaign %d (%d sentences, %d entities), boxes campaign %d (%d images of"
        + " %dx%d, %d objects); overlap %d, seed %d%n", abbreviate(terms), spansCampaign, sentences.size(),
        sentences.values().stream().mapToInt(s -> s.entities().size()).sum(), boxesCampaign, images.size(), WIDTH,
        HEIGHT, images.values().stream().mapToInt(i -> i.objects().size()).sum(), plan.overlap(), plan.seed());
  }

  private long campaign(String name, String instructions, String type, List<String> labels) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("instructions", instructions);
    body.put("taskType", type);
    body.put("labels", labels);
    body.put("overlap", plan.overlap());
    body.put("termsHash", terms);
    return steps.createCampaign(body);
  }

  private static final String[][] NAMES = {{"Ada", "Lovelace"}, {"Zoë", "Dvořák"}, {"Grace", "Hopper"},
      {"Alan", "Turing"}, {"Hedy", "Lamarr"}, {"Katherine", "Johnson"}};
  private static final String[][] ORGS = {{"Acme", "Corp"}, {"Globex"}, {"Initech", "Labs"}, {"Umbrella", "AG"}};
  private static final String[][] PLACES = {{"London"}, {"São", "Paulo"}, {"New", "York"}, {"Kraków"}, {"Lagos"}};
  /** Each template: plain words and entity slots (PER, ORG, LOC); at least two entities and one plain word. */
  private static final String[][] TEMPLATES = {
      {"PER", "met", "PER", "in", "LOC", "."},
      {"PER", "joined", "ORG", "🎉", "last", "spring", "."},
      {"ORG", "opened", "an", "office", "in", "LOC", "and", "hired", "PER", "."},
      {"In", "LOC", ",", "PER", "spoke", "for", "ORG", "."}};

  /** A sentence from a template, entities drawn at random; words joined by single spaces. */
  private Sentence sentence(String ref) {
    String[] template = TEMPLATES[random.nextInt(TEMPLATES.length)];
    List<String> words = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    List<Span> entities = new ArrayList<>();
    List<Integer> plain = new ArrayList<>();
    List<int[]> wordSpans = new ArrayList<>();
    int position = 0;
    for (String slot : template) {
      String[] entity = switch (slot) {
        case "PER" -> NAMES[random.nextInt(NAMES.length)];
        case "ORG" -> ORGS[random.nextInt(ORGS.length)];
        case "LOC" -> PLACES[random.nextInt(PLACES.length)];
        default -> null;
      };
      String[] parts = entity == null ? new String[] {slot} : entity;
      int start = position;
      for (int i = 0; i < parts.length; i++) {
        if (!words.isEmpty()) {
          position++; // the space before the word
        }
        if (i == 0) {
          start = position;
        }
        int length = parts[i].codePointCount(0, parts[i].length());
        wordSpans.add(new int[] {position, position + length});
        if (entity == null && !parts[i].equals(".") && !parts[i].equals(",")) {
          plain.add(words.size());
        }
        words.add(parts[i]);
        tags.add(entity == null ? "O" : (i == 0 ? "B-" : "I-") + slot);
        position += length;
      }
      if (entity != null) {
        entities.add(new Span(start, position, slot));
      }
    }
    return new Sentence(ref, String.join(" ", words), List.copyOf(words), List.copyOf(tags), List.copyOf(entities),
        List.copyOf(plain), List.copyOf(wordSpans));
  }

  /** Two or three objects, apart from each other, inside the image. */
  private Image image(String ref) {
    int n = 2 + random.nextInt(2);
    List<Box> objects = new ArrayList<>();
    while (objects.size() < n) {
      int w = 60 + random.nextInt(140);
      int h = 60 + random.nextInt(140);
      Box b = new Box(20 + random.nextInt(WIDTH - 40 - w), 20 + random.nextInt(HEIGHT - 40 - h), w, h,
          BOX_LABELS.get(random.nextInt(BOX_LABELS.size())));
      if (objects.stream().allMatch(o -> o.iou(b) == 0 && apart(o, b))) {
        objects.add(b);
      }
    }
    return new Image(ref, "https://images.example/street/" + ref + ".jpg", List.copyOf(objects));
  }

  /** At least 15 pixels between the boxes, so that jitter never makes two objects touch. */
  private static boolean apart(Box a, Box b) {
    return a.x() + a.w() + 15 < b.x() || b.x() + b.w() + 15 < a.x() || a.y() + a.h() + 15 < b.y()
        || b.y() + b.h() + 15 < a.y();
  }

  // ------------------------------------------------------------------ contributors sign in and consent

  @Override
  void enrol() {
    for (int i = 0; i < plan.careful(); i++) {
      people.add(person("careful-" + (i + 1), true));
    }
    people.add(person("careless", false));
    steps.consentAll(people, terms);
    out.printf("contributors: %d signed in with their own keys and consented on-chain (%d careful, 1 careless)%n",
        people.size(), plan.careful());
  }

  private Person person(String name, boolean careful) {
    Credentials key = StorySteps.newKey();
    return new Person(name, careful, key, steps.signIn(key));
  }

  // ------------------------------------------------------------------ annotation

  private void annotate() {
    takeWhatIsOpen();
    out.printf("annotation: %d signed answers (%d span lists, %d box lists)%n", sent.size(),
        sent.stream().filter(s -> sentences.containsKey(s.ref())).count(),
        sent.stream().filter(s -> images.containsKey(s.ref())).count());
  }

  /**
   * Everyone takes tasks in turn until neither campaign has one left for anybody; the number of
   * answers signed. Run again while quality settles: an item whose answers disagree asks for more
   * (dynamic overlap) after the first pass, and the crowd comes back for it.
   */
  private int takeWhatIsOpen() {
    int before = sent.size();
    for (long campaign : List.of(spansCampaign, boxesCampaign)) {
      List<Person> busy = new ArrayList<>(people);
      while (!busy.isEmpty()) {
        busy.removeIf(p -> !answerNext(p, campaign));
      }
    }
    return sent.size() - before;
  }

  /** Takes the next task of {@code campaign} and signs an annotation; false when none is left for {@code p}. */
  private boolean answerNext(Person p, long campaign) {
    Reply task = http.post("/api/campaigns/" + campaign + "/tasks/next", null, p.token());
    if (task.status() == 404 && "NO_TASK_AVAILABLE".equals(task.errorCode())) {
      return false;
    }
    JsonNode t = task.expect(200, "task for " + p.name()).json();
    long itemId = t.get("itemId").asLong();
    String answer;
    String ref;
    int nth = (int) sent.stream().filter(s -> s.who() == p
        && (campaign == spansCampaign) == sentences.containsKey(s.ref())).count() + 1;
    if (campaign == spansCampaign) {
      checkEqual("task type", "spans", t.path("taskType").asText());
      Sentence s = sentences.values().stream().filter(x -> x.text().equals(t.at("/payload/text").asText()))
          .findFirst().orElseThrow(() -> new StoryFailure("task payload", "not a sentence of the story: "
              + t.path("payload")));
      ref = s.ref();
      answer = spans(p, s, nth);
    } else {
      checkEqual("task type", "boxes", t.path("taskType").asText());
      Image image = images.values().stream().filter(x -> x.url().equals(t.at("/payload/image").asText()))
          .findFirst().orElseThrow(() -> new StoryFailure("task payload", "not an image of the story: "
              + t.path("payload")));
      ref = image.ref();
      answer = boxes(p, image, nth);
    }
    StorySteps.Receipt receipt = steps.submit(t, answer, p.key(), p.token(), p.name());
    sent.add(new Sent(p, ref, itemId, p.careful(), receipt.id(), receipt.digest()));
    return true;
  }

  /** What {@code p} marks in {@code s} on their {@code nth} sentence, as the canonical answer. */
  private String spans(Person p, Sentence s, int nth) {
    List<Span> marked = new ArrayList<>();
    if (!p.careful()) { // plain words, with a label
      for (int w : s.plainWords().subList(0, Math.min(2, s.plainWords().size()))) {
        int[] at = s.wordSpans().get(w);
        marked.add(new Span(at[0], at[1], SPAN_LABELS.get(random.nextInt(SPAN_LABELS.size()))));
      }
    } else {
      marked.addAll(s.entities());
      if (p == people.get(0) && nth == MISS_AT) {
        marked.remove(marked.size() - 1);
      } else if (p == people.get(1) && nth == SLIP_AT) {
        Span first = marked.get(0);
        int next = s.wordSpans().stream().filter(w -> w[0] > first.end()).findFirst().map(w -> w[1])
            .orElse(first.end());
        if (marked.size() == 1 || next <= marked.get(1).start()) {
          marked.set(0, new Span(first.start(), next, first.label()));
        }
      }
    }
    marked.sort(Comparator.comparingInt(Span::start).thenComparingInt(Span::end).thenComparing(Span::label));
    ArrayNode list = StoryHttp.JSON.createArrayNode();
    for (Span m : marked) { // members in RFC 8785 order: end, label, start
      list.addObject().put("end", m.end()).put("label", m.label()).put("start", m.start());
    }
    return StoryHttp.JSON.createObjectNode().set("spans", list).toString();
  }

  /** What {@code p} draws on {@code image} on their {@code nth} image, as the canonical answer. */
  private String boxes(Person p, Image image, int nth) {
    List<Box> drawn = new ArrayList<>();
    if (!p.careful()) { // a corner with nothing in it
      drawn.add(new Box(0, 0, 15, 15, BOX_LABELS.get(random.nextInt(BOX_LABELS.size()))));
    } else {
      for (Box o : image.objects()) {
        int x0 = clamp(o.x() + jitter(), 0, WIDTH - 1);
        int y0 = clamp(o.y() + jitter(), 0, HEIGHT - 1);
        int x1 = clamp(o.x() + o.w() + jitter(), x0 + 1, WIDTH);
        int y1 = clamp(o.y() + o.h() + jitter(), y0 + 1, HEIGHT);
        drawn.add(new Box(x0, y0, x1 - x0, y1 - y0, o.label()));
      }
      if (p == people.get(2) && nth == SLIP_AT) {
        drawn.add(new Box(WIDTH - 18, HEIGHT - 18, 16, 16, BOX_LABELS.get(0)));
      }
    }
    drawn.sort(Comparator.comparingInt(Box::x).thenComparingInt(Box::y).thenComparingInt(Box::w)
        .thenComparingInt(Box::h).thenComparing(Box::label));
    ArrayNode list = StoryHttp.JSON.createArrayNode();
    for (Box b : drawn) { // members in RFC 8785 order: h, label, w, x, y
      list.addObject().put("h", b.h()).put("label", b.label()).put("w", b.w()).put("x", b.x()).put("y", b.y());
    }
    return StoryHttp.JSON.createObjectNode().set("boxes", list).toString();
  }

  private int jitter() {
    return random.nextInt(2 * JITTER + 1) - JITTER;
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  // ------------------------------------------------------------------ the service's workers

  /**
   * Waits until quality has settled every item on its truth (the same entities; boxes of the same
   * labels each at IoU ≥ {@value #MIN_IOU} with an object), every contribution decided as the story
   * expects (the careful accepted, the careless rejected) and anchored.
   */
  private void awaitQualityAndAnchoring() {
    int before = sent.size();
    awaitNothingLeft("quality settles every item on its truth and every contribution is decided and anchored",
        () -> {
          takeWhatIsOpen();
          return unsettled(sent.stream().collect(Collectors.toMap(Sent::id, s -> s)));
        });
    if (sent.size() > before) {
      out.printf("annotation: %d more answers to items quality asked more of%n", sent.size() - before);
    }
    out.printf("quality: every sentence's aggregate holds exactly its entities and every image's its objects"
        + " (IoU ≥ %.1f); %d answers accepted, %d rejected (all the careless one's); all %d anchored on-chain%n",
        MIN_IOU, sent.stream().filter(Sent::accepted).count(), sent.stream().filter(s -> !s.accepted()).count(),
        sent.size());
  }

  /** The first thing that is not yet as the story expects, or null. */
  private String unsettled(Map<Long, Sent> byId) {
    for (long campaign : List.of(spansCampaign, boxesCampaign)) {
      JsonNode items = http.get("/api/campaigns/" + campaign + "/labels?limit=1000", setup.operatorToken())
          .expect(200, "labels").json().path("items");
      for (JsonNode i : items) {
        String ref = i.path("externalId").asText();
        if (!i.hasNonNull("decidedAt")) {
          return ref + " is not decided (" + i.path("answers").asInt() + " answers)";
        }
        String wrong = campaign == spansCampaign ? wrongSpans(sentences.get(ref), label(i))
            : wrongBoxes(images.get(ref), label(i));
        if (wrong != null) {
          return ref + ": " + wrong;
        }
      }
    }
    for (Person p : people) {
      List<JsonNode> listed = steps.contributionsOf(p.token());
      checkEqual("contributions of " + p.name() + " listed", sent.stream().filter(s -> s.who() == p).count(),
          (long) listed.size());
      for (JsonNode c : listed) {
        Sent s = byId.get(c.path("id").asLong());
        check("contribution " + c.path("id").asLong() + " is the one acknowledged", s != null && s.who() == p
            && s.digest().equalsIgnoreCase(c.path("digest").asText()), c.toString());
        if (!"anchored".equals(c.path("anchor").asText())) {
          return "contribution " + s.id() + " is not anchored yet";
        }
        String expected = s.accepted() ? "accepted" : "rejected";
        if (!expected.equals(c.path("status").asText())) {
          return "contribution " + s.id() + " (" + p.name() + " on " + s.ref() + ") is " + c.path("status").asText()
              + ", expected " + expected;
        }
      }
    }
    return null;
  }

  private static JsonNode label(JsonNode item) {
    try {
      return StoryHttp.JSON.readTree(item.path("label").asText());
    } catch (IOException e) {
      throw new StoryFailure("label of " + item.path("externalId").asText(), "not JSON: " + item.path("label"));
    }
  }

  /** How an aggregate's (or export's) spans differ from the sentence's entities, or null. */
  private static String wrongSpans(Sentence s, JsonNode aggregate) {
    List<Span> got = new ArrayList<>();
    JsonNode list = aggregate.has("spans") ? aggregate.get("spans") : aggregate;
    for (JsonNode e : list) {
      got.add(new Span(e.path("start").asInt(), e.path("end").asInt(), e.path("label").asText()));
      double c = e.path("confidence").asDouble(-1);
      if (!(c > 0 && c <= 1)) {
        return "span confidence " + e.path("confidence") + " is not in (0, 1]";
      }
    }
    return got.equals(s.entities()) ? null : "spans " + got + ", entities " + s.entities();
  }

  /** How aggregated boxes differ from the image's objects, or null. */
  private static String wrongBoxes(Image image, JsonNode aggregate) {
    List<Box> got = new ArrayList<>();
    JsonNode list = aggregate.has("boxes") ? aggregate.get("boxes") : aggregate;
    for (JsonNode b : list) {
      got.add(new Box(b.path("x").asInt(), b.path("y").asInt(), b.path("w").asInt(), b.path("h").asInt(),
          b.path("label").asText()));
    }
    return matched(image.objects(), got);
  }

  /** Null when each object has one box of its label at IoU ≥ {@value #MIN_IOU} and there is no other box. */
  private static String matched(List<Box> objects, List<Box> boxes) {
    if (boxes.size() != objects.size()) {
      return boxes.size() + " boxes for " + objects.size() + " objects: " + boxes;
    }
    for (Box o : objects) {
      Box best = boxes.stream().filter(b -> b.label().equals(o.label())).max(Comparator.comparingDouble(o::iou))
          .orElse(null);
      if (best == null || o.iou(best) < MIN_IOU) {
        return "no " + o.label() + " box at IoU ≥ " + MIN_IOU + " with " + o + " in " + boxes;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ the versions

  private void buildAndList() {
    spansDataset = build(spansCampaign, "Story entities v1", sentences.size());
    boxesDataset = build(boxesCampaign, "Story street objects v1", images.size());
    out.printf("versions: dataset %d (%d sentences) and dataset %d (%d images), each listed at %s units; one share"
        + " per accepted answer, none for the careless contributor%n", spansDataset, sentences.size(), boxesDataset,
        images.size(), plan.price());
  }

  private long build(long campaign, String name, int items) {
    List<Sent> accepted = accepted(campaign);
    Map<String, Long> shares = new TreeMap<>();
    accepted.forEach(s -> shares.merge(s.who().address(), 1L, Long::sum));
    StorySteps.Listing listing = steps.buildAndList(campaign, name, plan.price(), 0.0, items,
        accepted.stream().map(Sent::digest).toList(), shares);
    JsonNode d = http.get("/api/datasets/" + listing.id(), null).expect(200, "dataset").json();
    checkEqual("task type of dataset " + listing.id(), campaign == spansCampaign ? "spans" : "boxes",
        d.path("taskType").asText());
    return listing.id();
  }

  /** The campaign's accepted answers in contribution order. */
  private List<Sent> accepted(long campaign) {
    boolean spans = campaign == spansCampaign;
    return sent.stream().filter(s -> s.accepted() && sentences.containsKey(s.ref()) == spans)
        .sorted(Comparator.comparingLong(Sent::id)).toList();
  }

  // ------------------------------------------------------------------ the buyer

  private void purchase() {
    buyer = steps.newBuyer("the buyer", plan.price().multiply(BigInteger.TWO));
    Reply refused = http.get("/api/datasets/" + boxesDataset + "/export?format=coco", buyer.token());
    checkEqual("COCO export without a licence", "403 LICENCE_REQUIRED", refused.status() + " " + refused.errorCode());
    steps.buyWithApprove(buyer, spansDataset, plan.price());
    steps.buyWithApprove(buyer, boxesDataset, plan.price());
    await("the buyer's licences indexed", () -> http.get("/api/licences/me", buyer.token()).expect(200, "licences/me")
        .json().path("licences").size() == 2);
    out.printf("buyer: paid exactly %s units for each version from their own wallet (approve + purchase); both"
        + " licences indexed%n", plan.price());
  }

  // ------------------------------------------------------------------ exports

  private void export() {
    checkTokenClassification();
    checkCoco();
    Reply wrong = http.get("/api/datasets/" + spansDataset + "/export?format=coco", buyer.token());
    checkEqual("COCO of a spans version", "400 INVALID_PARAMETER", wrong.status() + " " + wrong.errorCode());
    out.printf("exports: %d sentences as JSONL and Parquet with exact character offsets and %d whitespace tokens"
        + " whose BIO tags are the story's own; COCO with %d categories, %d images and %d annotations, each"
        + " matching an object at IoU ≥ %.1f with its label%n", sentences.size(), tokens, BOX_LABELS.size(),
        images.size(), cocoAnnotations, MIN_IOU);
  }

  /** The spans version: offsets, tokens and tags against what the story wrote; leaves against its receipts. */
  private void checkTokenClassification() {
    Map<Long, List<Sent>> byItem = byItem(spansCampaign);
    List<JsonNode> rows = StorySteps.jsonLines(http.get("/api/datasets/" + spansDataset + "/export?format=jsonl",
        buyer.token()).expect(200, "JSONL export"), "JSONL export");
    checkEqual("JSONL rows", byItem.size(), rows.size());
    int n = 0;
    for (var e : byItem.entrySet()) {
      JsonNode r = rows.get(n++);
      Sentence s = sentences.get(e.getValue().get(0).ref());
      String where = "JSONL row " + n + " (" + s.ref() + ")";
      checkEqual(where + " itemId", e.getKey(), r.path("itemId").asLong());
      checkEqual(where + " text", s.text(), r.at("/data/text").asText());
      String wrong = wrongSpans(s, r.path("spans"));
      check(where + " spans", wrong == null, wrong);
      checkEqual(where + " tokens", s.words(), strings(r.path("tokens")));
      checkEqual(where + " ner_tags", s.tags(), strings(r.path("ner_tags")));
      checkEqual(where + " leaves", e.getValue().stream().map(Sent::digest).toList(),
          strings(r.path("leaves")).stream().map(String::toLowerCase).toList());
      tokens += s.words().size();
    }
    byte[] parquet = http.get("/api/datasets/" + spansDataset + "/export?format=parquet", buyer.token())
        .expect(200, "Parquet export").body();
    steps.readParquet(parquet, "Parquet export", (footer, read) -> {
      checkEqual("Parquet rows", (long) byItem.size(), footer.getRecordCount());
      String card = StorySteps.checkCard(footer);
      check("the card names the BIO tags", card.contains("`O`, `B-LOC`, `I-LOC`, `B-ORG`, `I-ORG`, `B-PER`,"
          + " `I-PER`"), "no tag list in the card");
      for (var e : byItem.entrySet()) {
        Group row = read.read();
        Sentence s = sentences.get(e.getValue().get(0).ref());
        check("Parquet row of " + s.ref(), row != null, "missing");
        checkEqual("Parquet tokens of " + s.ref(), s.words(), list(row, "tokens"));
        checkEqual("Parquet ner_tags of " + s.ref(), s.tags(), list(row, "ner_tags"));
        String wrong = wrongSpans(s, StoryHttp.JSON.readTree(row.getString("spans", 0)));
        check("Parquet spans of " + s.ref(), wrong == null, wrong);
      }
      check("Parquet rows beyond the version's items", read.read() == null, "an extra row");
    });
  }

  /** The boxes version as COCO: categories, images and annotations against the story's objects. */
  private void checkCoco() {
    Reply reply = http.get("/api/datasets/" + boxesDataset + "/export?format=coco", buyer.token())
        .expect(200, "COCO export");
    JsonNode coco;
    try {
      coco = StoryHttp.JSON.readTree(reply.body());
    } catch (IOException e) {
      throw new StoryFailure("COCO export", "not one JSON document: " + e.getMessage());
    }
    List<String> categories = new ArrayList<>();
    for (JsonNode c : coco.path("categories")) {
      checkEqual("category id of " + c.path("name").asText(), categories.size() + 1, c.path("id").asInt());
      categories.add(c.path("name").asText());
    }
    checkEqual("COCO categories", BOX_LABELS, categories);
    Map<Long, List<Sent>> byItem = byItem(boxesCampaign);
    checkEqual("COCO images", byItem.size(), coco.path("images").size());
    Map<Long, List<Box>> annotated = new TreeMap<>();
    long lastId = 0;
    for (JsonNode a : coco.path("annotations")) {
      check("annotation ids ascending from 1", a.path("id").asLong() == lastId + 1, a.toString());
      lastId = a.path("id").asLong();
      JsonNode bbox = a.path("bbox");
      Box b = new Box(bbox.get(0).asInt(), bbox.get(1).asInt(), bbox.get(2).asInt(), bbox.get(3).asInt(),
          categories.get(a.path("category_id").asInt() - 1));
      checkEqual("area of annotation " + lastId, (long) b.w() * b.h(), a.path("area").asLong());
      double score = a.path("score").asDouble();
      check("score of annotation " + lastId, score > 0 && score <= 1, a.path("score").toString());
      annotated.computeIfAbsent(a.path("image_id").asLong(), k -> new ArrayList<>()).add(b);
    }
    cocoAnnotations = lastId;
    int n = 0;
    for (var e : byItem.entrySet()) {
      JsonNode img = coco.path("images").get(n++);
      Image image = images.get(e.getValue().get(0).ref());
      String where = "COCO image " + n + " (" + image.ref() + ")";
      checkEqual(where + " id", e.getKey(), img.path("id").asLong());
      checkEqual(where + " file_name", image.ref() + ".jpg", img.path("file_name").asText());
      checkEqual(where + " coco_url", image.url(), img.path("coco_url").asText());
      checkEqual(where + " size", WIDTH + "x" + HEIGHT, img.path("width").asInt() + "x" + img.path("height").asInt());
      checkEqual(where + " leaves", e.getValue().stream().map(Sent::digest).toList(),
          strings(img.at("/labelledger/leaves")).stream().map(String::toLowerCase).toList());
      String wrong = matched(image.objects(), annotated.getOrDefault(e.getKey(), List.of()));
      check(where + " annotations", wrong == null, wrong);
    }
  }

  /** The campaign's accepted answers by item id (the export's order), each item's in contribution order. */
  private Map<Long, List<Sent>> byItem(long campaign) {
    Map<Long, List<Sent>> out = new TreeMap<>();
    accepted(campaign).forEach(s -> out.computeIfAbsent(s.itemId(), k -> new ArrayList<>()).add(s));
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  /** A Parquet LIST column of strings. */
  private static List<String> list(Group row, String name) {
    Group g = row.getGroup(name, 0);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < g.getFieldRepetitionCount("list"); i++) {
      out.add(g.getGroup("list", i).getString("element", 0));
    }
    return out;
  }
}
