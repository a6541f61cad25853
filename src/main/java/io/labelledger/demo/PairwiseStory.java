package io.labelledger.demo;

import static io.labelledger.demo.StorySteps.abbreviate;
import static io.labelledger.demo.StorySteps.await;
import static io.labelledger.demo.StorySteps.awaitNothingLeft;
import static io.labelledger.demo.StorySteps.check;
import static io.labelledger.demo.StorySteps.checkEqual;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.demo.StoryHttp.Reply;
import io.labelledger.demo.StorySteps.Buyer;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.parquet.example.data.Group;
import org.web3j.crypto.Credentials;

/**
 * A pairwise (preference) campaign end to end, as a team collecting DPO data would run it: the
 * operator publishes terms and a {@code pairwise} campaign (ties allowed) of prompt/response pairs
 * whose better response the story knows — a right against a wrong sum, a polite against a rude
 * reply — on a side (a or b) drawn at random; eight contributors with their own keys sign in
 * (SIWE) and consent (EIP-712, relayed on-chain), then take tasks and sign each choice
 * ({@code {"choice":"a"}}, exactly the canonical string): six are honest (two of them slip once:
 * one picks the worse response, one says tie), one clicks at random, one always picks the worse
 * response. Later the operator adds a few pairs whose two responses are equally good; by then the
 * two unreliable contributors have left, and the regulars call them ties.
 *
 * <p>The service's workers aggregate (Bradley-Terry with a reliability per contributor, which must
 * find the adversary and read its choices reversed) and anchor; the operator builds a version of
 * everything decided (confidence bar 0, so the tied pairs are in it) and lists it; a buyer pays
 * from their own wallet and downloads the TRL DPO rows, the JSONL and the Parquet export. Every
 * figure is checked against what the story knows: each pair's aggregate against its truth, each
 * contribution's status (accepted exactly when it made the true choice), the content and shares
 * roots on-chain, the DPO file row by row (prompt, chosen = the truly better text, rejected = the
 * other, a confidence in (0, 1], no row for a tie), the typed {@code choice} column of JSONL and
 * Parquet consistent with it, and the version's audit bundle through {@code labelledger audit}.
 * The first figure that does not check out stops it with a {@link StoryFailure}.
 */
public final class PairwiseStory extends Story<PairwiseStory.Outcome> {
  static final List<String> CHOICES = List.of("a", "b", "tie");
  /** honest-1 picks the worse response on this answer of theirs... */
  static final int SLIP_AT = 5;
  /** ...and honest-2 says tie on this one. */
  static final int UNSURE_AT = 9;

  /**
   * The story's sizes: {@code pairs} with a better response (half sums, half customer replies),
   * {@code tiedPairs} added later whose responses are equally good, {@code honest} contributors
   * besides the random and the adversarial one, {@code overlap} answers per pair, the {@code seed}
   * that places the better responses and drives the random contributor, the version's price.
   */
  public record Plan(int pairs, int tiedPairs, int honest, int overlap, long seed, BigInteger price) {
    public static Plan standard() {
      return new Plan(24, 3, 6, 5, 20_261_206L, new BigInteger("9000000000000000011"));
    }
  }

  /**
   * What the story leaves behind (all checked): ids, counts, the ids of the accepted contributions
   * (those in the version), each contributor's reliability as quality estimated it.
   */
  public record Outcome(String serviceUrl, String rpcUrl, long campaignId, long datasetId, long chainDatasetId,
      int contributors, long contributionsSent, List<Long> acceptedContributions, long rejected, long items,
      long preferenceRows, long ties, Map<String, Double> reliabilities, Map<String, Double> seconds) {}

  private enum Role { HONEST, RANDOM, ADVERSARIAL }

  private record Person(String name, Role role, Credentials key, String token) implements StorySteps.Signer {}

  /** A pair as the story wrote it; {@code truth} is a, b or tie. */
  private record Pair(String ref, String prompt, String a, String b, String truth) {
    boolean tied() {
      return truth.equals("tie");
    }

    String text(String side) {
      return side.equals("a") ? a : b;
    }

    String worse() {
      return truth.equals("a") ? "b" : "a";
    }
  }

  /** A signed choice the service acknowledged. */
  private record Sent(Person who, Pair pair, long itemId, String choice, long id, String digest) {
    boolean accepted() {
      return choice.equals(pair.truth());
    }
  }

  private final Plan plan;
  private final Map<String, Pair> byPrompt = new LinkedHashMap<>();
  private final Map<String, Pair> byRef = new LinkedHashMap<>();
  private final List<Person> people = new ArrayList<>();
  private final List<Sent> sent = new ArrayList<>();
  private String terms;
  private long campaignId;
  private Map<String, Double> reliabilities;
  private long datasetId;
  private long chainDatasetId;
  private List<Sent> accepted;
  private Buyer buyer;
  private long preferenceRows;
  private long tieRows;

  public PairwiseStory(StorySetup setup, Plan plan) {
    super(setup, plan.seed());
    if (plan.honest() < 2 || plan.pairs() < 2 || plan.overlap() > plan.honest()) {
      throw new IllegalArgumentException("need two honest contributors with slips, two pairs, and no more overlap"
          + " than honest contributors (the tied pairs are theirs alone)");
    }
    this.plan = plan;
  }

  @Override
  Outcome play(long t0) {
    steps.timed("labelling", this::label);
    steps.timed("quality and anchoring", this::awaitQualityAndAnchoring);
    steps.timed("version built and listed", this::buildAndList);
    steps.timed("reliabilities", this::checkReliabilities);
    steps.timed("purchase", this::purchase);
    steps.timed("exports", this::export);
    steps.timed("audit", () -> out.printf("audit: labelledger audit verified %s%n", steps.audit(datasetId)));
    return new Outcome(setup.serviceUrl(), setup.rpcUrl(), campaignId, datasetId, chainDatasetId, people.size(),
        sent.size(), accepted.stream().map(Sent::id).toList(), sent.size() - accepted.size(),
        accepted.stream().map(Sent::itemId).distinct().count(), preferenceRows, tieRows, reliabilities,
        steps.seconds(t0));
  }

  // ------------------------------------------------------------------ the operator sets up

  @Override
  void publish() {
    terms = steps.publishTerms("You may sell my preference judgements for model training. (pairwise story "
        + Instant.now() + ")");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "Story preferences");
    body.put("instructions", "Which response answers the prompt better? Say tie when they are equally good.");
    body.put("taskType", "pairwise");
    body.put("settings", Map.of("allowTie", true));
    body.put("overlap", plan.overlap());
    body.put("termsHash", terms);
    campaignId = steps.createCampaign(body);
    JsonNode campaign = http.get("/api/campaigns/" + campaignId, setup.operatorToken()).expect(200, "campaign").json();
    checkEqual("campaign settings", "{\"allowTie\":true}", campaign.path("settings").toString());
    steps.uploadItems(campaignId, lines(pairs()));
    out.printf("operator: terms %s, pairwise campaign %d with %d prompt/response pairs (the better response on side"
        + " a in %d, on b in %d; seed %d), overlap %d, ties allowed%n", abbreviate(terms), campaignId, plan.pairs(),
        byRef.values().stream().filter(p -> p.truth().equals("a")).count(),
        byRef.values().stream().filter(p -> p.truth().equals("b")).count(), plan.seed(), plan.overlap());
  }

  private static final String[] REQUESTS = {"reset my password", "change my delivery address",
      "cancel my subscription", "get a refund for a broken kettle", "update the card I pay with",
      "find my order number", "stop the marketing e-mails", "book a table for four on Saturday",
      "extend my library loan", "move my appointment to Friday", "replace a lost key card",
      "upgrade to the family plan"};

  /** Half sums (right against wrong), half customer replies (polite against rude), shuffled; better side at random. */
  private List<Pair> pairs() {
    List<String[]> drafts = new ArrayList<>(); // {prompt, better, worse}
    Set<String> prompts = new HashSet<>();
    while (drafts.size() < plan.pairs() / 2) {
      int x = 12 + random.nextInt(88);
      int y = 12 + random.nextInt(88);
      boolean times = random.nextBoolean();
      String sum = x + (times ? " × " : " + ") + y;
      int right = times ? x * y : x + y;
      int wrong = right + (random.nextBoolean() ? 1 : -1) * (times ? 10 : 1);
      if (prompts.add("What is " + sum + "?")) {
        drafts.add(new String[] {"What is " + sum + "?", sum + " = " + right + ".", sum + " = " + wrong + "."});
      }
    }
    for (int i = 0; drafts.size() < plan.pairs(); i++) {
      String request = REQUESTS[i % REQUESTS.length] + (i < REQUESTS.length ? "" : " (" + (i / REQUESTS.length + 1)
          + ")");
      drafts.add(new String[] {"A customer writes: \"Hi, could you help me " + request + "?\" Reply as the support"
          + " desk.", "Of course, I'm glad to help you " + request + ". I've e-mailed you the steps; reply here if"
          + " anything is unclear.", "Not my problem. Look it up yourself instead of asking me to " + request + "."});
    }
    for (int i = drafts.size() - 1; i > 0; i--) { // Fisher-Yates: sums and replies interleaved
      int j = random.nextInt(i + 1);
      String[] swap = drafts.get(i);
      drafts.set(i, drafts.get(j));
      drafts.set(j, swap);
    }
    List<Pair> out = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      String[] d = drafts.get(i);
      boolean betterIsA = random.nextBoolean();
      out.add(remember(new Pair(String.format("p%02d", i + 1), d[0], betterIsA ? d[1] : d[2], betterIsA ? d[2] : d[1],
          betterIsA ? "a" : "b")));
    }
    return out;
  }

  /** Pairs whose two responses are equally good. */
  private List<Pair> tiedPairs() {
    String[][] drafts = {
        {"What is the capital of France?", "Paris.", "The capital of France is Paris."},
        {"What is 6 × 7?", "42.", "6 × 7 = 42."},
        {"A customer writes: \"What time do you open?\" Reply as the support desk.",
            "We open at 9 am, Monday to Friday.", "Our doors open at 9:00 on weekdays."},
        {"What is the boiling point of water at sea level?", "100 °C.", "Water boils at 100 degrees Celsius."}};
    List<Pair> out = new ArrayList<>();
    for (int i = 0; i < plan.tiedPairs(); i++) {
      String[] d = drafts[i % drafts.length];
      String suffix = i < drafts.length ? "" : " (" + (i / drafts.length + 1) + ")";
      out.add(remember(new Pair("t" + (i + 1), d[0] + suffix, d[1], d[2], "tie")));
    }
    return out;
  }

  private Pair remember(Pair pair) {
    check("prompts are unique", byPrompt.put(pair.prompt(), pair) == null, pair.prompt());
    byRef.put(pair.ref(), pair);
    return pair;
  }

  private static String lines(List<Pair> pairs) {
    StringBuilder lines = new StringBuilder();
    for (Pair p : pairs) {
      ObjectNode line = StoryHttp.JSON.createObjectNode().put("id", p.ref());
      ObjectNode data = line.putObject("data").put("prompt", p.prompt());
      data.putObject("a").put("text", p.a());
      data.putObject("b").put("text", p.b());
      lines.append(line).append('\n');
    }
    return lines.toString();
  }

  // ------------------------------------------------------------------ contributors sign in and consent

  @Override
  void enrol() {
    for (int i = 0; i < plan.honest(); i++) {
      people.add(person("honest-" + (i + 1), Role.HONEST));
    }
    people.add(person("random", Role.RANDOM));
    people.add(person("adversary", Role.ADVERSARIAL));
    steps.consentAll(people, terms);
    out.printf("contributors: %d signed in with their own keys and consented on-chain (%d honest, 1 random, 1 who"
        + " always picks the worse response)%n", people.size(), plan.honest());
  }

  private Person person(String name, Role role) {
    Credentials key = StorySteps.newKey();
    return new Person(name, role, key, steps.signIn(key));
  }

  // ------------------------------------------------------------------ labelling

  private void label() {
    work(people);
    long firstRound = sent.size();
    List<Pair> tied = tiedPairs();
    steps.uploadItems(campaignId, lines(tied));
    work(people.stream().filter(p -> p.role() == Role.HONEST).toList());
    Map<String, Long> choices = sent.stream().collect(Collectors.groupingBy(Sent::choice, TreeMap::new,
        Collectors.counting()));
    out.printf("labelling: %d signed choices on the %d pairs (%s), then %d pairs with equally good responses added"
        + " and judged by the %d honest contributors alone (%d choices)%n", firstRound, plan.pairs(),
        sent.stream().limit(firstRound).collect(Collectors.groupingBy(Sent::choice, TreeMap::new,
            Collectors.counting())), tied.size(), plan.honest(), sent.size() - firstRound);
    check("some choices of each kind", choices.keySet().containsAll(CHOICES), "only " + choices.keySet());
  }

  /** Everyone in {@code workers} takes tasks in turn until the campaign has none left for any of them. */
  private void work(List<Person> workers) {
    List<Person> busy = new ArrayList<>(workers);
    while (!busy.isEmpty()) {
      busy.removeIf(p -> !answerNext(p));
    }
  }

  /** Takes the next task and signs a choice; false when the campaign has none left for {@code p}. */
  private boolean answerNext(Person p) {
    Reply task = http.post("/api/campaigns/" + campaignId + "/tasks/next", null, p.token());
    if (task.status() == 404 && "NO_TASK_AVAILABLE".equals(task.errorCode())) {
      return false;
    }
    JsonNode t = task.expect(200, "task for " + p.name()).json();
    Pair pair = byPrompt.get(t.at("/payload/prompt").asText());
    check("task payload", pair != null, "task " + t.path("itemId") + " is not a pair of the story: " + t.path("payload"));
    checkEqual("task type of " + pair.ref(), "pairwise", t.path("taskType").asText());
    checkEqual("response a of " + pair.ref(), pair.a(), t.at("/payload/a/text").asText());
    checkEqual("response b of " + pair.ref(), pair.b(), t.at("/payload/b/text").asText());
    long given = sent.stream().filter(s -> s.who() == p).count();
    String choice = choose(p, pair, (int) given + 1);
    StorySteps.Receipt receipt = steps.submit(t, answer(choice), p.key(), p.token(), p.name());
    sent.add(new Sent(p, pair, t.get("itemId").asLong(), choice, receipt.id(), receipt.digest()));
    return true;
  }

  /** What {@code p} chooses on their {@code nth} answer. */
  private String choose(Person p, Pair pair, int nth) {
    return switch (p.role()) {
      case HONEST -> pair.tied() ? "tie"
          : p == people.get(0) && nth == SLIP_AT ? pair.worse()
          : p == people.get(1) && nth == UNSURE_AT ? "tie"
          : pair.truth();
      case RANDOM -> CHOICES.get(random.nextInt(CHOICES.size()));
      case ADVERSARIAL -> pair.tied() ? "tie" : pair.worse();
    };
  }

  /** The signed answer: the RFC 8785 form of {@code {"choice":...}} (one key, so just this). */
  static String answer(String choice) {
    return "{\"choice\":\"" + choice + "\"}";
  }

  // ------------------------------------------------------------------ the service's workers

  /**
   * Waits until quality has settled every pair on its truth, with every contribution decided as the
   * agreement rule says (accepted exactly when it made the true choice) and anchored, and every
   * contributor's reliability estimated. The worker relabels each pair as answers come in and
   * corrects it at the next re-estimate (the adversary counts as typical until then), so this is
   * where it converges; a difference still there after the wait fails the story, naming it.
   */
  private void awaitQualityAndAnchoring() {
    // the regulars come back for pairs still open: quality may ask a pair for another answer (dynamic
    // overlap) after the first pass ended
    List<Person> regulars = people.stream().filter(p -> p.role() == Role.HONEST).toList();
    awaitNothingLeft("quality settles every pair on its truth and every contribution is decided and anchored",
        () -> {
          work(regulars);
          return unsettled(sent.stream().collect(Collectors.toMap(Sent::id, s -> s)));
        });
    long rejected = sent.stream().filter(s -> !s.accepted()).count();
    out.printf("quality: every pair's aggregate is its truth (%d with a better response, %d ties);"
        + " %d choices accepted, %d rejected (%d of them honest slips); all %d anchored on-chain%n", plan.pairs(),
        plan.tiedPairs(), sent.size() - rejected, rejected,
        sent.stream().filter(s -> !s.accepted() && s.who().role() == Role.HONEST).count(), sent.size());
  }

  /**
   * Each contributor's reliability as the model fitted to every answer sees it. Read after the build,
   * which fits the model to all stored answers (a settled version): the worker's last re-estimate
   * before it may have been fitted to some of them only, with the adversary still looking typical.
   */
  private void checkReliabilities() {
    reliabilities = new LinkedHashMap<>();
    Map<String, Double> byAddress = estimates();
    for (Person p : people) {
      reliabilities.put(p.name(), byAddress.get(p.address()));
    }
    Person adversary = people.get(people.size() - 1);
    check("the adversary's reliability", reliabilities.get(adversary.name()) < 0.5, "estimated "
        + reliabilities.get(adversary.name()) + ": the model should read its choices reversed");
    for (Person p : people) {
      check("reliability of " + p.name(), p.role() != Role.HONEST || reliabilities.get(p.name()) > 0.5,
          "estimated " + reliabilities.get(p.name()));
    }
    out.printf("reliabilities (the settled fit): %s%n", reliabilities.entrySet().stream()
        .map(e -> e.getKey() + " " + String.format("%.2f", e.getValue())).collect(Collectors.joining(", ")));
  }

  /** The first thing that is not yet as the story expects, or null. */
  private String unsettled(Map<Long, Sent> byId) {
    JsonNode items = http.get("/api/campaigns/" + campaignId + "/labels?limit=1000", setup.operatorToken())
        .expect(200, "labels").json().path("items");
    checkEqual("pairs in the campaign", byRef.size(), items.size());
    for (JsonNode i : items) {
      Pair pair = byRef.get(i.path("externalId").asText());
      check("pair " + i.path("externalId").asText(), pair != null, "not a pair of the story");
      if (!i.hasNonNull("decidedAt")) {
        return pair.ref() + " is not decided (" + i.path("answers").asInt() + " answers)";
      }
      if (!answer(pair.truth()).equals(i.path("label").asText())) {
        return pair.ref() + " is labelled " + i.path("label").asText() + " (confidence " + i.path("confidence")
            + "), its truth is " + answer(pair.truth());
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
        String status = c.path("status").asText();
        String expected = s.accepted() ? "accepted" : "rejected";
        if (!"anchored".equals(c.path("anchor").asText())) {
          return "contribution " + s.id() + " is not anchored yet";
        }
        if (!expected.equals(status)) {
          return "contribution " + s.id() + " (" + p.name() + " chose " + s.choice() + " on " + s.pair().ref()
              + ", truth " + s.pair().truth() + ") is " + status + ", expected " + expected;
        }
      }
    }
    Map<String, Double> estimated = estimates();
    for (Person p : people) {
      if (estimated.get(p.address()) == null) {
        return "no reliability estimated for " + p.name() + " yet";
      }
    }
    return null;
  }

  /** Each contributor's estimated reliability (null before the first re-estimate), by address. */
  private Map<String, Double> estimates() {
    Map<String, Double> out = new TreeMap<>();
    for (JsonNode c : http.get("/api/campaigns/" + campaignId + "/contributors?limit=1000", setup.operatorToken())
        .expect(200, "contributors").json().path("contributors")) {
      out.put(c.path("contributor").asText().toLowerCase(),
          c.path("estimatedAccuracy").isNumber() ? c.path("estimatedAccuracy").asDouble() : null);
    }
    return out;
  }

  // ------------------------------------------------------------------ the version

  /** Every accepted choice, in contribution order: with confidence bar 0, every decided pair is in. */
  private void buildAndList() {
    accepted = sent.stream().filter(Sent::accepted).sorted(Comparator.comparingLong(Sent::id)).toList();
    Map<String, Long> shares = new TreeMap<>();
    accepted.forEach(s -> shares.merge(s.who().address(), 1L, Long::sum));
    long items = accepted.stream().map(Sent::itemId).distinct().count();
    checkEqual("pairs with an accepted choice", (long) byRef.size(), items);
    StorySteps.Listing listing = steps.buildAndList(campaignId, "Story preferences v1", plan.price(), 0.0, items,
        accepted.stream().map(Sent::digest).toList(), shares);
    datasetId = listing.id();
    chainDatasetId = listing.chainDatasetId();
    JsonNode d = http.get("/api/datasets/" + datasetId, null).expect(200, "dataset").json();
    checkEqual("task type of dataset " + datasetId, "pairwise", d.path("taskType").asText());
    Map<String, Long> distribution = byRef.values().stream().collect(Collectors.groupingBy(Pair::truth,
        TreeMap::new, Collectors.counting()));
    Map<String, Long> served = new TreeMap<>();
    d.at("/quality/labelDistribution").properties().forEach(e -> served.put(e.getKey(), e.getValue().asLong()));
    checkEqual("choice distribution of dataset " + datasetId, distribution, served);
    out.printf("dataset %d: %d pairs (%s), %d accepted choices by %d contributors (the adversary's none), listed as"
        + " DataMarketplace id %d at %s units%n", datasetId, items, distribution, accepted.size(), shares.size(),
        chainDatasetId, plan.price());
  }

  // ------------------------------------------------------------------ the buyer

  private void purchase() {
    JsonNode listed = null;
    for (JsonNode d : http.get("/api/datasets?limit=200", null).expect(200, "catalogue").json().path("datasets")) {
      listed = d.path("id").asLong() == datasetId ? d : listed;
    }
    check("dataset " + datasetId + " in the catalogue", listed != null, "not listed there");
    checkEqual("catalogue task type", "pairwise", listed.path("taskType").asText());
    checkEqual("catalogue price", plan.price().toString(), listed.path("price").asText());
    JsonNode sample = http.get("/api/datasets/" + datasetId + "/sample", null).expect(200, "sample").json().path("items");
    check("a free sample", sample.size() > 0, "empty");
    for (JsonNode i : sample) {
      Pair pair = byRef.get(i.path("item").asText());
      check("sample item " + i.path("item").asText(), pair != null, "not a pair of the story");
      checkEqual("sample label of " + pair.ref(), answer(pair.truth()), i.path("label").asText());
      checkEqual("sample prompt of " + pair.ref(), pair.prompt(), i.at("/data/prompt").asText());
    }
    buyer = steps.newBuyer("the buyer", plan.price());
    Reply refused = http.get("/api/datasets/" + datasetId + "/export?format=dpo", buyer.token());
    checkEqual("DPO export without a licence", "403 LICENCE_REQUIRED", refused.status() + " " + refused.errorCode());
    steps.buyWithApprove(buyer, datasetId, plan.price());
    await("the buyer's licence indexed", () -> http.get("/api/licences/me", buyer.token()).expect(200, "licences/me")
        .json().path("licences").size() == 1);
    check("the buyer's licence on-chain", steps.chain.hasLicence(chainDatasetId, buyer.address()), buyer.address());
    out.printf("buyer: found dataset %d in the catalogue (pairwise, %d free sample pairs labelled with their truth),"
        + " paid exactly %s units from their own wallet (approve + purchase); licence on-chain and indexed%n",
        datasetId, sample.size(), plan.price());
  }

  // ------------------------------------------------------------------ exports

  private void export() {
    // the version's items in export order (item id), each with its accepted choices in contribution order
    Map<Long, List<Sent>> items = new TreeMap<>();
    accepted.forEach(s -> items.computeIfAbsent(s.itemId(), k -> new ArrayList<>()).add(s));
    Map<Long, Double> confidence = checkPreferences(items);
    checkJsonl(items, confidence);
    byte[] parquet = http.get("/api/datasets/" + datasetId + "/export?format=parquet", buyer.token())
        .expect(200, "Parquet export").body();
    checkParquet(parquet, items, confidence);
    out.printf("exports: %d DPO rows (prompt, chosen = the better response, rejected = the other, confidence in"
        + " (0, 1]) for the %d pairs with a winner, none for the %d ties; JSONL and Parquet (%d bytes) hold all %d pairs"
        + " with the typed choice column, label and the digests of their accepted choices%n", preferenceRows,
        items.size() - tieRows, tieRows, parquet.length, items.size());
  }

  /** The DPO rows against the truth; each pair's confidence as they state it. */
  private Map<Long, Double> checkPreferences(Map<Long, List<Sent>> items) {
    List<JsonNode> rows = StorySteps.jsonLines(http.get("/api/datasets/" + datasetId + "/export?format=dpo",
        buyer.token()).expect(200, "DPO export"), "DPO export");
    List<Map.Entry<Long, List<Sent>>> winners = items.entrySet().stream()
        .filter(e -> !e.getValue().get(0).pair().tied()).toList();
    long versionItems = http.get("/api/datasets/" + datasetId, null).json().path("itemCount").asLong();
    tieRows = items.size() - winners.size();
    checkEqual("DPO rows (the version's items less its ties)", versionItems - tieRows, (long) rows.size());
    Map<Long, Double> confidence = new TreeMap<>();
    for (int i = 0; i < rows.size(); i++) {
      JsonNode r = rows.get(i);
      long itemId = winners.get(i).getKey();
      Pair pair = winners.get(i).getValue().get(0).pair();
      String where = "DPO row " + (i + 1) + " (" + pair.ref() + ")";
      List<String> fields = new ArrayList<>();
      r.fieldNames().forEachRemaining(fields::add);
      checkEqual(where + " fields", List.of("prompt", "chosen", "rejected", "confidence", "item", "itemId"), fields);
      checkEqual(where + " itemId", itemId, r.path("itemId").asLong());
      checkEqual(where + " item", pair.ref(), r.path("item").asText());
      checkEqual(where + " prompt", pair.prompt(), r.path("prompt").asText());
      checkEqual(where + " chosen (the better response)", pair.text(pair.truth()), r.path("chosen").asText());
      checkEqual(where + " rejected (the other)", pair.text(pair.worse()), r.path("rejected").asText());
      double c = r.path("confidence").asDouble();
      check(where + " confidence", r.path("confidence").isNumber() && c > 0 && c <= 1, r.path("confidence") + " is"
          + " not in (0, 1]");
      confidence.put(itemId, c);
    }
    preferenceRows = rows.size();
    return confidence;
  }

  /** Every pair of the version, ties included, with the typed choice column consistent with the DPO rows. */
  private void checkJsonl(Map<Long, List<Sent>> items, Map<Long, Double> confidence) {
    List<JsonNode> rows = StorySteps.jsonLines(http.get("/api/datasets/" + datasetId + "/export?format=jsonl",
        buyer.token()).expect(200, "JSONL export"), "JSONL export");
    checkEqual("JSONL rows", items.size(), rows.size());
    int row = 0;
    for (var e : items.entrySet()) {
      JsonNode r = rows.get(row++);
      Pair pair = e.getValue().get(0).pair();
      String where = "JSONL row " + row + " (" + pair.ref() + ")";
      checkEqual(where + " itemId", e.getKey(), r.path("itemId").asLong());
      checkEqual(where + " item", pair.ref(), r.path("item").asText());
      checkEqual(where + " prompt", pair.prompt(), r.at("/data/prompt").asText());
      checkEqual(where + " response a", pair.a(), r.at("/data/a/text").asText());
      checkEqual(where + " response b", pair.b(), r.at("/data/b/text").asText());
      checkEqual(where + " label", answer(pair.truth()), r.path("label").asText());
      checkEqual(where + " choice column", pair.truth(), r.path("choice").asText());
      checkConfidence(where, pair, e.getKey(), r.path("confidence").asDouble(), confidence);
      List<String> leaves = new ArrayList<>();
      r.path("leaves").forEach(l -> leaves.add(l.asText().toLowerCase()));
      checkEqual(where + " leaves (its accepted choices' digests)", e.getValue().stream().map(Sent::digest).toList(),
          leaves);
    }
  }

  /** A tie's confidence is 0 (no DPO row); a winner's is the one its DPO row states. */
  private static void checkConfidence(String where, Pair pair, long itemId, double c, Map<Long, Double> dpo) {
    if (pair.tied()) {
      checkEqual(where + " confidence of a tie", 0.0, c);
      check(where + " has no DPO row", !dpo.containsKey(itemId), "a tie in the DPO rows");
    } else {
      checkEqual(where + " confidence (as in its DPO row)", dpo.get(itemId), c);
    }
  }

  private void checkParquet(byte[] file, Map<Long, List<Sent>> items, Map<Long, Double> confidence) {
    steps.readParquet(file, "Parquet export", (footer, rows) -> {
      checkEqual("Parquet rows", (long) items.size(), footer.getRecordCount());
      String card = StorySteps.checkCard(footer);
      check("the card names the DPO configuration", card.contains("- config_name: dpo\n  data_files: dataset-"
          + datasetId + "-v1.dpo.jsonl\n"), "no dpo config in its front matter");
      for (var e : items.entrySet()) {
        Group row = rows.read();
        Pair pair = e.getValue().get(0).pair();
        String where = "Parquet row of " + pair.ref();
        check(where, row != null, "missing");
        checkEqual(where + " item_id", e.getKey(), row.getLong("item_id", 0));
        checkEqual(where + " item", pair.ref(), row.getString("item", 0));
        checkEqual(where + " label", answer(pair.truth()), row.getString("label", 0));
        checkEqual(where + " choice column", pair.truth(), row.getString("choice", 0));
        checkConfidence(where, pair, e.getKey(), row.getDouble("confidence", 0), confidence);
        checkEqual(where + " leaves", e.getValue().stream().map(Sent::digest).toList(), StorySteps.parquetLeaves(row));
      }
      check("Parquet rows beyond the version's pairs", rows.read() == null, "an extra row");
    });
  }
}
