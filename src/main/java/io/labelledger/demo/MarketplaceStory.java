package io.labelledger.demo;

import static io.labelledger.demo.StorySteps.abbreviate;
import static io.labelledger.demo.StorySteps.await;
import static io.labelledger.demo.StorySteps.check;
import static io.labelledger.demo.StorySteps.checkEqual;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.chain.Abi;
import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.cli.LabelLedgerCli;
import io.labelledger.demo.StoryHttp.Reply;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * The whole marketplace, told through the public API and the chain as its people would live it:
 * the operator publishes terms and three campaigns with gold items; contributors, each with their
 * own key, sign in (SIWE), consent (EIP-712, relayed), take tasks and sign their answers; some
 * answer gold items wrongly until the accuracy floor stops them and quality rejects their work;
 * a version of each campaign is built and listed; three buyers pay from their own wallets (one
 * with an EIP-2612 permit through {@code labelledger buy}); a licensed buyer exports; a
 * contributor withdraws consent and the next version leaves their work out while earlier buyers
 * are told; every contributor claims and the treasury withdraws its fee.
 *
 * <p>Every figure is checked against what the story itself knows: the answers it sent, the truth
 * of every item, the prices it paid and the rule in docs/operator-guide.md, {@code floor(revenue × shares /
 * totalShares)}. The first figure that does not check out stops it with a {@link StoryFailure}
 * naming it. The service's own workers do the work in between (relayer, indexers, quality worker,
 * anchorer): the story only waits for their results through the API. Used by {@code scripts/demo}
 * ({@link Demo}) and by the end-to-end integration test, so there is one story.
 */
public final class MarketplaceStory {
  static final List<String> LABELS = List.of("positive", "negative", "neutral");

  /**
   * The story's sizes. {@code honest} contributors answer truthfully, each in two campaigns;
   * {@code failers} (at most one per campaign, so no item has two wrong answers) answer everything
   * wrongly in one campaign. Gold items: {@code gold} per campaign, served with {@code goldRate}.
   */
  public record Plan(int campaigns, int regularItems, int goldItems, int overlap, double goldRate,
      double accuracyFloor, int floorMinGold, int honest, int failers, double confidenceBar, List<BigInteger> prices) {
    public static Plan standard() {
      return new Plan(3, 8, 3, 3, 0.3, 0.5, 3, 18, 3, 0.6, List.of(
          new BigInteger("30000000000000000007"), new BigInteger("12000000000000000001"),
          new BigInteger("5000000000000000003")));
    }

    int contributors() {
      return honest + failers;
    }
  }

  /** One dataset version as the story ends with it. */
  public record DatasetFigures(long id, long chainDatasetId, long campaignId, int version, long items,
      long contributions, int contributors, String price, String gross, String fee, String revenue, String paidOut,
      int buyers) {}

  /** What the story leaves behind: ids, addresses and figures (all checked). */
  public record Outcome(String serviceUrl, String rpcUrl, long chainId, String marketplace, String paymentToken,
      long datasetId, long chainDatasetId, long nextVersionId, List<DatasetFigures> datasets, int contributors,
      int goldFailers, String revoker, long contributionsSent, long accepted, long rejected, String totalClaimed,
      String treasuryFee, Map<String, Double> seconds) {}

  private enum Role { HONEST, FAILER }

  /** A contributor: their own key, their session, and the campaigns they work in. */
  private record Person(String name, Credentials key, Role role, List<Integer> campaigns, String token) {
    String address() {
      return key.getAddress().toLowerCase();
    }
  }

  private record Item(String ref, String truth, boolean gold) {}

  private record CampaignState(int index, long id, Map<String, Item> items) {}

  /** A contribution the story signed and the service acknowledged. */
  private record Sent(Person who, int campaign, long itemId, Item item, String answer, long id, String digest) {
    boolean shouldBeAccepted() {
      return answer.equals(item.truth());
    }
  }

  private record Version(long id, long chainDatasetId, int campaign, List<Sent> contributions,
      Map<String, Long> shares, BigInteger price) {
    long totalShares() {
      return contributions.size();
    }
  }

  private final StorySetup setup;
  private final Plan plan;
  private final PrintStream out;
  private final List<CampaignState> campaigns = new ArrayList<>();
  private final List<Person> people = new ArrayList<>();
  private final List<Sent> sent = new ArrayList<>();
  private final List<Version> versions = new ArrayList<>();
  private final Map<Long, BigInteger> gross = new TreeMap<>();
  private final Map<Long, Integer> buyersOf = new TreeMap<>();
  private StorySteps steps;
  private StoryHttp http;
  private StoryChain chain;
  private String terms;

  public MarketplaceStory(StorySetup setup, Plan plan) {
    if (plan.failers() > plan.campaigns()) {
      throw new IllegalArgumentException("at most one gold failer per campaign");
    }
    this.setup = setup;
    this.plan = plan;
    this.out = setup.out();
  }

  /** Runs the whole story; throws {@link StoryFailure} at the first figure that does not check out. */
  public Outcome run() {
    long t0 = System.nanoTime();
    try (StorySteps opened = new StorySteps(setup)) {
      steps = opened;
      http = steps.http;
      chain = steps.chain;
      steps.timed("set-up", this::publish);
      steps.timed("sign-in and consent", this::enrol);
      steps.timed("labelling", this::label);
      steps.timed("quality and anchoring", this::awaitQualityAndAnchoring);
      steps.timed("datasets built and listed", this::buildAndList);
      steps.timed("purchases", this::purchase);
      steps.timed("export", this::export);
      Version next = steps.timedValue("revocation and next version", this::revokeAndRebuild);
      BigInteger claimed = steps.timedValue("claims", this::claims);
      BigInteger fee = steps.timedValue("treasury", this::treasury);
      return outcome(next, claimed, fee, steps.seconds(t0));
    }
  }

  // ------------------------------------------------------------------ the operator sets up

  private void publish() {
    terms = steps.publishTerms("You may sell my labels for model training. (story " + Instant.now() + ")");
    for (int k = 0; k < plan.campaigns(); k++) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", "Story campaign " + (char) ('A' + k));
      body.put("instructions", "Is the review positive, negative or neutral?");
      body.put("taskType", "single_choice");
      body.put("labels", LABELS);
      body.put("overlap", plan.overlap());
      body.put("goldRate", plan.goldRate());
      body.put("accuracyFloor", plan.accuracyFloor());
      body.put("termsHash", terms);
      long id = steps.createCampaign(body);
      Map<String, Item> items = new LinkedHashMap<>();
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < plan.regularItems() + plan.goldItems(); i++) {
        boolean gold = i >= plan.regularItems();
        String ref = (char) ('a' + k) + (gold ? "-g" : "-r") + i;
        String truth = LABELS.get((i + k) % LABELS.size());
        items.put(ref, new Item(ref, truth, gold));
        lines.append("{\"id\":\"").append(ref).append("\",\"data\":{\"text\":\"review ").append(ref)
            .append(" (").append(truth).append(")\",\"ref\":\"").append(ref).append("\"}");
        if (gold) {
          lines.append(",\"gold\":\"").append(truth).append('"');
        }
        lines.append("}\n");
      }
      steps.uploadItems(id, lines.toString());
      campaigns.add(new CampaignState(k, id, items));
    }
    out.printf("operator: terms %s, campaigns %s, %d items each (%d gold)%n", abbreviate(terms),
        campaigns.stream().map(c -> Long.toString(c.id())).collect(Collectors.joining(", ")),
        plan.regularItems() + plan.goldItems(), plan.goldItems());
  }

  // ------------------------------------------------------------------ contributors sign in and consent

  private void enrol() {
    for (int i = 0; i < plan.honest(); i++) {
      Credentials key = StorySteps.newKey();
      people.add(new Person("honest-" + (i + 1), key, Role.HONEST,
          List.of(i % plan.campaigns(), (i + 1) % plan.campaigns()), steps.signIn(key)));
    }
    for (int i = 0; i < plan.failers(); i++) {
      Credentials key = StorySteps.newKey();
      people.add(new Person("gold-failer-" + (i + 1), key, Role.FAILER, List.of(i), steps.signIn(key)));
    }
    for (Person p : people) {
      steps.consent(p.name(), p.key(), p.token(), terms);
    }
    await("every consent relayed and indexed", () -> people.stream()
        .allMatch(p -> steps.consentValid(p.token(), terms, true)));
    out.printf("contributors: %d signed in with their own keys and consented (%d will fail gold)%n", people.size(),
        plan.failers());
  }

  // ------------------------------------------------------------------ labelling

  private void label() {
    for (CampaignState c : campaigns) {
      // the campaign's gold failer works first, so each item gets at most one wrong answer
      people.stream().filter(p -> p.role() == Role.FAILER && p.campaigns().contains(c.index()))
          .forEach(p -> failGold(p, c));
      List<Person> workers = people.stream()
          .filter(p -> p.role() == Role.HONEST && p.campaigns().contains(c.index())).toList();
      List<Person> busy = new ArrayList<>(workers);
      while (!busy.isEmpty()) {
        busy.removeIf(p -> !answerNext(p, c, true));
      }
    }
    long gold = sent.stream().filter(s -> s.item().gold()).count();
    out.printf("labelling: %d signed contributions accepted by the service (%d to gold items)%n", sent.size(), gold);
  }

  /**
   * A contributor who answers every item wrongly, waiting after each answer until the quality
   * worker has taken it in, until tasks/next refuses them for their gold accuracy.
   */
  private void failGold(Person p, CampaignState c) {
    // one more ask than there are items: the floor may only stop them once their last gold answer is in
    for (int answered = 0; answered <= plan.regularItems() + plan.goldItems(); answered++) {
      Reply task = http.post("/api/campaigns/" + c.id() + "/tasks/next", null, p.token());
      if (task.status() == 403 && "ACCURACY_BELOW_FLOOR".equals(task.errorCode())) {
        long gold = sent.stream().filter(s -> s.who() == p && s.item().gold()).count();
        out.printf("  %s stopped by the accuracy floor after %d answers (%d gold, all wrong)%n", p.name(), answered,
            gold);
        check("gold failer stopped at the floor", gold >= plan.floorMinGold(), p.name() + " was stopped after "
            + gold + " gold answers, the floor needs " + plan.floorMinGold());
        return;
      }
      answer(p, c, task.expect(200, "task for " + p.name()), false);
      int given = answered + 1;
      await("the quality worker takes in " + p.name() + "'s answers", () -> answersTakenIn(p, c) >= given);
    }
    throw new StoryFailure("gold failer stopped at the floor", p.name() + " answered every item without being "
        + "stopped by the accuracy floor");
  }

  private int answersTakenIn(Person p, CampaignState c) {
    for (JsonNode s : http.get("/api/contributions/me?limit=1", p.token()).expect(200, "contributions/me").json()
        .path("scores")) {
      if (s.path("campaignId").asLong() == c.id()) {
        return s.path("answers").asInt();
      }
    }
    return 0;
  }

  /** Takes the next task and answers it; false when the campaign has none left for {@code p}. */
  private boolean answerNext(Person p, CampaignState c, boolean truthfully) {
    Reply task = http.post("/api/campaigns/" + c.id() + "/tasks/next", null, p.token());
    if (task.status() == 404 && "NO_TASK_AVAILABLE".equals(task.errorCode())) {
      return false;
    }
    answer(p, c, task.expect(200, "task for " + p.name()), truthfully);
    return true;
  }

  private void answer(Person p, CampaignState c, Reply task, boolean truthfully) {
    JsonNode t = task.json();
    Item item = c.items().get(t.at("/payload/ref").asText());
    if (item == null) {
      throw new StoryFailure("task payload", "task " + t + " is not an item of campaign " + c.id());
    }
    String answer = truthfully ? item.truth()
        : LABELS.get((LABELS.indexOf(item.truth()) + 1) % LABELS.size());
    StorySteps.Receipt receipt = steps.submit(t, answer, p.key(), p.token(), p.name());
    sent.add(new Sent(p, c.index(), t.get("itemId").asLong(), item, answer, receipt.id(), receipt.digest()));
  }

  // ------------------------------------------------------------------ the service's workers

  private void awaitQualityAndAnchoring() {
    for (CampaignState c : campaigns) {
      await("every item of campaign " + c.id() + " decided", () -> {
        JsonNode items = http.get("/api/campaigns/" + c.id() + "/labels?limit=200", setup.operatorToken())
            .expect(200, "labels").json().path("items");
        int decided = 0;
        for (JsonNode i : items) {
          boolean gold = i.path("gold").asBoolean();
          decided += !gold && i.hasNonNull("decidedAt") ? 1 : 0;
        }
        return decided == plan.regularItems();
      });
      JsonNode items = http.get("/api/campaigns/" + c.id() + "/labels?limit=200", setup.operatorToken())
          .expect(200, "labels").json().path("items");
      for (JsonNode i : items) {
        Item item = c.items().get(i.path("externalId").asText());
        if (item.gold() && i.path("label").isNull()) {
          continue; // a gold item nobody answered yet
        }
        check("label of " + item.ref(), item.truth().equals(i.path("label").asText()),
            "quality labelled it " + i.path("label").asText() + ", the truth is " + item.truth());
        check("confidence of " + item.ref(), item.gold() || i.path("confidence").asDouble() >= plan.confidenceBar(),
            i.path("confidence").asDouble() + " is below the bar " + plan.confidenceBar());
      }
    }
    Map<Long, Sent> byId = sent.stream().collect(Collectors.toMap(Sent::id, s -> s));
    await("every contribution decided and anchored", () -> people.stream()
        .allMatch(p -> steps.decidedAndAnchored(p.token())));
    int checked = 0;
    for (Person p : people) {
      for (JsonNode c : steps.contributionsOf(p.token())) {
        Sent s = byId.get(c.path("id").asLong());
        check("contribution " + c.path("id").asLong() + " is the one acknowledged", s != null
            && s.digest().equalsIgnoreCase(c.path("digest").asText()) && s.who() == p, c.toString());
        String expected = s.shouldBeAccepted() ? "accepted" : "rejected";
        check("status of contribution " + s.id(), expected.equals(c.path("status").asText()), s.who().name()
            + " answered " + s.answer() + " to " + s.item().ref() + " (truth " + s.item().truth() + "): "
            + c.path("status").asText() + ", expected " + expected);
        checked++;
      }
    }
    check("every contribution listed", checked == sent.size(), checked + " listed of " + sent.size() + " sent");
    long rejected = sent.stream().filter(s -> !s.shouldBeAccepted()).count();
    out.printf("quality: every item labelled with its truth; %d contributions accepted, %d rejected (all the gold"
        + " failers'); all %d anchored on-chain%n", sent.size() - rejected, rejected, sent.size());
  }

  // ------------------------------------------------------------------ datasets

  private void buildAndList() {
    for (CampaignState c : campaigns) {
      List<Sent> accepted = acceptedOf(c.index(), null);
      versions.add(buildAndList(c, accepted, plan.prices().get(c.index() % plan.prices().size()), "v1"));
    }
  }

  private List<Sent> acceptedOf(int campaign, Person without) {
    return sent.stream().filter(s -> s.campaign() == campaign && !s.item().gold() && s.shouldBeAccepted()
        && s.who() != without).sorted(Comparator.comparingLong(Sent::id)).toList();
  }

  private Version buildAndList(CampaignState c, List<Sent> expected, BigInteger price, String label) {
    Map<String, Long> shares = new TreeMap<>();
    expected.forEach(s -> shares.merge(s.who().address(), 1L, Long::sum));
    String name = "Story " + (char) ('A' + c.index()) + " " + label;
    long items = expected.stream().map(Sent::itemId).distinct().count();
    StorySteps.Listing listing = steps.buildAndList(c.id(), name, price, plan.confidenceBar(), items,
        expected.stream().map(Sent::digest).toList(), shares);
    gross.put(listing.chainDatasetId(), BigInteger.ZERO);
    buyersOf.put(listing.chainDatasetId(), 0);
    out.printf("dataset %d (%s): %d items, %d contributions by %d contributors, listed as DataMarketplace id %d at %s"
        + " units%n", listing.id(), name, items, expected.size(), shares.size(), listing.chainDatasetId(), price);
    return new Version(listing.id(), listing.chainDatasetId(), c.index(), expected, shares, price);
  }

  // ------------------------------------------------------------------ buyers

  private final List<StorySteps.Buyer> buyers = new ArrayList<>();
  private final List<String> buyerTokens = new ArrayList<>();

  private void purchase() {
    Version a = versions.get(0);
    Version b = versions.get(1 % versions.size());
    for (int i = 0; i < 3; i++) {
      StorySteps.Buyer buyer = steps.newBuyer("buyer " + (i + 1), a.price().add(b.price()));
      buyers.add(buyer);
      buyerTokens.add(buyer.token());
    }
    // refused before any purchase: no session, then a session without a licence
    Reply anonymous = http.get("/api/datasets/" + a.id() + "/export", null);
    checkEqual("export without a session", 401, anonymous.status());
    Reply unlicensed = http.get("/api/datasets/" + a.id() + "/export", buyerTokens.get(0));
    checkEqual("export without a licence", "403 LICENCE_REQUIRED", unlicensed.status() + " " + unlicensed.errorCode());

    buyWithApprove(0, a);
    buyWithPermit(1, a);
    buyWithApprove(2, a);
    buyWithApprove(2, b);
    for (int i = 0; i < buyers.size(); i++) {
      String account = buyers.get(i).address();
      int n = i;
      await("licences of buyer " + (i + 1) + " indexed", () -> http.get("/api/licences/me", buyerTokens.get(n))
          .expect(200, "licences/me").json().path("licences").size() == (n == 2 && b != a ? 2 : 1));
      check("licence of buyer " + (i + 1) + " on-chain", chain.hasLicence(a.chainDatasetId(), account), account);
    }
    out.printf("buyers: 3 bought dataset %d (buyer 2 with an EIP-2612 permit via `labelledger buy`), buyer 3 also"
        + " dataset %d; each paid exactly the price%n", a.id(), b.id());
  }

  private void buyWithApprove(int buyer, Version v) {
    steps.buyWithApprove(buyers.get(buyer), v.id(), v.price());
    paid(v);
  }

  /** The permit path: {@code labelledger buy}, in this process, with the buyer's key in a file of its own. */
  private void buyWithPermit(int buyer, Version v) {
    Credentials key = buyers.get(buyer).key();
    BigInteger before = chain.tokenBalance(key.getAddress());
    StringWriter cliOut = new StringWriter();
    StringWriter cliErr = new StringWriter();
    int exit;
    try {
      Files.createDirectories(setup.workDir());
      Path keyFile = Files.createTempFile(setup.workDir(), "buyer-", ".key",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(keyFile, Hex.encode(Abi.uint(key.getEcKeyPair().getPrivateKey())));
        var cli = LabelLedgerCli.commandLine();
        cli.setOut(new PrintWriter(cliOut, true)).setErr(new PrintWriter(cliErr, true));
        exit = cli.execute("buy", "--key-file", keyFile.toString(), "--dataset", Long.toString(v.chainDatasetId()),
            "--max-price", v.price().toString(), "--rpc-url", setup.rpcUrl(), "--marketplace", steps.marketplace);
      } finally {
        Files.deleteIfExists(keyFile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    check("labelledger buy (permit)", exit == 0, "exit " + exit + ": " + cliOut + cliErr);
    out.printf("  labelledger buy: %s%n", cliOut.toString().strip().lines().findFirst().orElse(""));
    steps.checkPaid(buyers.get(buyer), v.id(), v.price(), before);
    paid(v);
  }

  private void paid(Version v) {
    gross.merge(v.chainDatasetId(), v.price(), BigInteger::add);
    buyersOf.merge(v.chainDatasetId(), 1, Integer::sum);
  }

  // ------------------------------------------------------------------ export

  private void export() {
    Version a = versions.get(0);
    Reply jsonl = http.get("/api/datasets/" + a.id() + "/export?format=jsonl", buyerTokens.get(0))
        .expect(200, "export JSONL");
    Map<Long, List<Sent>> expected = new TreeMap<>();
    a.contributions().forEach(s -> expected.computeIfAbsent(s.itemId(), k -> new ArrayList<>()).add(s));
    List<String> lines = jsonl.text().lines().toList();
    checkEqual("exported rows", expected.size(), lines.size());
    int row = 0;
    for (var e : expected.entrySet()) {
      JsonNode r;
      try {
        r = StoryHttp.JSON.readTree(lines.get(row++));
      } catch (IOException ex) {
        throw new StoryFailure("export row " + row, "not JSON: " + ex.getMessage());
      }
      Item item = e.getValue().get(0).item();
      String where = "export row " + row + " (" + item.ref() + ")";
      checkEqual(where + " itemId", e.getKey(), r.path("itemId").asLong());
      checkEqual(where + " item", item.ref(), r.path("item").asText());
      checkEqual(where + " data", item.ref(), r.at("/data/ref").asText());
      checkEqual(where + " label", item.truth(), r.path("label").asText());
      check(where + " confidence", r.path("confidence").asDouble() >= plan.confidenceBar(),
          r.path("confidence").asDouble() + " below the bar");
      List<String> leaves = new ArrayList<>();
      r.path("leaves").forEach(l -> leaves.add(l.asText().toLowerCase()));
      checkEqual(where + " leaves (the accepted contributions' digests)",
          e.getValue().stream().map(Sent::digest).toList(), leaves);
    }
    long t = System.nanoTime();
    Reply parquet = http.get("/api/datasets/" + a.id() + "/export?format=parquet", buyerTokens.get(1))
        .expect(200, "export Parquet");
    steps.recordSeconds("Parquet export", (System.nanoTime() - t) / 1e9);
    byte[] p = parquet.body();
    checkParquet(p, expected);
    Reply preferences = http.get("/api/datasets/" + a.id() + "/export?format=dpo", buyerTokens.get(0));
    checkEqual("DPO export of a single-choice version", "400 INVALID_PARAMETER",
        preferences.status() + " " + preferences.errorCode());
    Reply outsider = http.get("/api/datasets/" + a.id() + "/export", people.get(0).token());
    checkEqual("export to a signed-in contributor without a licence", "403 LICENCE_REQUIRED",
        outsider.status() + " " + outsider.errorCode());
    String card = http.get("/api/datasets/" + a.id() + "/card", null).expect(200, "card").text();
    check("dataset card states the content root", card.contains(Hex.encode(chain.dataset(a.chainDatasetId())
        .contentRoot)), "the card does not name the content root");
    out.printf("export: buyer 1's JSONL and buyer 2's Parquet (%d bytes) hold exactly the %d accepted items, each with"
        + " its label and the digests of its accepted contributions (%d in all); refused without a session (401) and"
        + " without a licence (403); no DPO rows of a single-choice version (400)%n", p.length, expected.size(),
        a.contributions().size());
  }

  /** The Parquet export read back with parquet-java: the same rows as the JSONL check, and the card in its footer. */
  private void checkParquet(byte[] file, Map<Long, List<Sent>> expected) {
    steps.readParquet(file, "Parquet export", (footer, rows) -> {
      checkEqual("Parquet rows", (long) expected.size(), footer.getRecordCount());
      StorySteps.checkCard(footer);
      for (var e : expected.entrySet()) {
        Group row = rows.read();
        Item item = e.getValue().get(0).item();
        String where = "Parquet row of " + item.ref();
        check(where, row != null, "missing");
        checkEqual(where + " item_id", e.getKey(), row.getLong("item_id", 0));
        checkEqual(where + " item", item.ref(), row.getString("item", 0));
        checkEqual(where + " label", item.truth(), row.getString("label", 0));
        checkEqual(where + " leaves", e.getValue().stream().map(Sent::digest).toList(), StorySteps.parquetLeaves(row));
      }
      check("Parquet rows beyond the accepted items", rows.read() == null, "an extra row");
    });
  }

  // ------------------------------------------------------------------ consent withdrawn

  private Person revoker;

  private Version revokeAndRebuild() {
    Version a = versions.get(0);
    CampaignState c = campaigns.get(a.campaign());
    revoker = people.stream().filter(p -> p.role() == Role.HONEST)
        .max(Comparator.comparingLong(p -> a.shares().getOrDefault(p.address(), 0L)))
        .orElseThrow();
    long removed = a.shares().getOrDefault(revoker.address(), 0L);
    check("the revoker has work in dataset " + a.id(), removed > 0, revoker.name());
    long now = steps.now();
    ObjectNode message = StoryHttp.JSON.createObjectNode()
        .put("contributor", StoryChain.checksum(revoker.key())).put("termsHash", terms)
        .put("nonce", chain.consentNonce(revoker.address(), terms)).put("deadline", now + 3600);
    http.post("/api/revocations", StorySteps.signed(steps.typedData("Revocation", message), revoker.key()),
        revoker.token())
        .expect(202, "revocation");
    await("the revocation relayed and indexed", () -> steps.consentValid(revoker.token(), terms, false));

    Version next = buildAndList(c, acceptedOf(a.campaign(), revoker), a.price(), "v2");
    check("the next version leaves out the revoker's shares", !next.shares().containsKey(revoker.address()),
        revoker.name());
    JsonNode v2 = http.get("/api/datasets/" + next.id(), null).expect(200, "dataset").json();
    checkEqual("parent of the next version", a.id(), v2.get("parentId").asLong());
    checkEqual("parent on-chain", BigInteger.valueOf(a.chainDatasetId()), chain.dataset(next.chainDatasetId()).parentId);
    for (int i = 0; i < buyers.size(); i++) {
      int n = i;
      await("the notice to buyer " + (i + 1), () -> http.get("/api/notices/me", buyerTokens.get(n))
          .expect(200, "notices").json().path("notices").size() > 0);
      JsonNode notices = http.get("/api/notices/me", buyerTokens.get(i)).json().path("notices");
      checkEqual("notices to buyer " + (i + 1), 1, notices.size());
      JsonNode notice = notices.get(0);
      checkEqual("notice names the licensed version", a.id(), notice.path("datasetId").asLong());
      checkEqual("notice names the next version", next.id(), notice.path("supersededBy").asLong());
      checkEqual("notice counts the contributors left out", 1, notice.path("contributorsRemoved").asInt());
      checkEqual("notice counts the contributions left out", removed, notice.path("contributionsRemoved").asLong());
    }
    checkEqual("notices to a contributor", 0, http.get("/api/notices/me", people.get(0).token()).json()
        .path("notices").size());
    out.printf("revocation: %s withdrew consent (signed, relayed); dataset %d leaves out their %d contributions and"
        + " shares; the 3 buyers of dataset %d got a notice%n", revoker.name(), next.id(), removed, a.id());
    versions.add(next);
    return next;
  }

  // ------------------------------------------------------------------ claims and the treasury

  private BigInteger claims() {
    Map<Long, BigInteger> revenue = new TreeMap<>();
    Map<Long, BigInteger> paidOut = new TreeMap<>();
    for (Version v : versions) {
      DataMarketplace.DatasetInfo info = chain.dataset(v.chainDatasetId());
      BigInteger g = gross.get(v.chainDatasetId());
      BigInteger fee = g.multiply(info.feeBps).divide(BigInteger.valueOf(10_000));
      checkEqual("gross of dataset " + v.id(), g, info.gross);
      checkEqual("revenue of dataset " + v.id() + " (gross - floor(gross x feeBps / 10000))", g.subtract(fee),
          info.revenue);
      revenue.put(v.chainDatasetId(), info.revenue);
      paidOut.put(v.chainDatasetId(), BigInteger.ZERO);
    }
    BigInteger total = BigInteger.ZERO;
    int byWallet = 0;
    int byOperator = 0;
    int owedNothing = 0;
    int manyInOne = 0;
    for (int i = 0; i < people.size(); i++) {
      Person p = people.get(i);
      BigInteger entitled = BigInteger.ZERO;
      for (Version v : versions) {
        long shares = v.shares().getOrDefault(p.address(), 0L);
        BigInteger e = revenue.get(v.chainDatasetId()).multiply(BigInteger.valueOf(shares))
            .divide(BigInteger.valueOf(v.totalShares()));
        entitled = entitled.add(e);
        paidOut.merge(v.chainDatasetId(), e, BigInteger::add);
      }
      JsonNode statement = http.get("/api/earnings/me", p.token()).expect(200, "earnings of " + p.name()).json();
      checkEqual("owed to " + p.name(), entitled.toString(), statement.path("totalOwed").asText());
      if (statement.at("/claimCall/chainDatasetIds").size() > 1) {
        manyInOne++; // one claimMany pays several datasets
      }
      BigInteger before = chain.tokenBalance(p.address());
      if (entitled.signum() == 0) {
        Reply refused = http.post("/api/earnings/me/claims", null, p.token());
        checkEqual("claim of " + p.name() + " (nothing owed)", "409 NOTHING_TO_CLAIM",
            refused.status() + " " + refused.errorCode());
        owedNothing++;
      } else if (i % 2 == 0) {
        chain.fundGas(p.address());
        before = chain.tokenBalance(p.address());
        chain.send(p.key(), statement.at("/claimCall/to").asText(), statement.at("/claimCall/data").asText(),
            "claim of " + p.name() + " from their wallet");
        byWallet++;
      } else {
        JsonNode claimed = http.post("/api/earnings/me/claims", null, p.token())
            .expect(200, "claim of " + p.name() + " by the operator").json();
        checkEqual("operator claim of " + p.name() + " reports", entitled.toString(), claimed.path("paid").asText());
        byOperator++;
      }
      checkEqual("claim of " + p.name() + " pays floor(revenue x shares / totalShares)", entitled,
          chain.tokenBalance(p.address()).subtract(before));
      checkEqual("owed to " + p.name() + " after the claim", "0", http.get("/api/earnings/me", p.token()).json()
          .path("totalOwed").asText());
      total = total.add(entitled);
    }
    check("one claim call for several datasets", manyInOne > 0, "no contributor was owed by two datasets");
    for (Version v : versions) {
      DataMarketplace.DatasetInfo info = chain.dataset(v.chainDatasetId());
      checkEqual("paid out by dataset " + v.id(), paidOut.get(v.chainDatasetId()), info.paidOut);
      BigInteger dust = info.revenue.subtract(info.paidOut);
      check("dust of dataset " + v.id(), dust.signum() >= 0 && dust.compareTo(BigInteger.valueOf(v.shares().size())) < 0,
          dust + " units left behind by " + v.shares().size() + " accounts");
    }
    out.printf("claims: %d contributors paid exactly floor(revenue x shares / totalShares) per dataset, %s units in all"
        + " (%d from their own wallet, %d by the operator, gasless; %d of them several datasets in one claimMany); %d"
        + " owed nothing (the %d gold failers, and those whose only datasets sold nothing) were refused with 409%n",
        byWallet + byOperator, total, byWallet, byOperator, manyInOne, owedNothing, plan.failers());
    return total;
  }

  private BigInteger treasury() {
    BigInteger expected = BigInteger.ZERO;
    for (Version v : versions) {
      DataMarketplace.DatasetInfo info = chain.dataset(v.chainDatasetId());
      BigInteger fee = gross.get(v.chainDatasetId()).multiply(info.feeBps).divide(BigInteger.valueOf(10_000));
      checkEqual("fee accrued by dataset " + v.id(), fee, info.feesAccrued);
      expected = expected.add(fee);
    }
    if (setup.treasury() == null) {
      out.printf("treasury: %s units of fees accrued (no treasury key given: not withdrawn)%n", expected);
      return expected;
    }
    String to = StorySteps.newKey().getAddress();
    chain.withdrawFees(setup.treasury(), versions.stream().map(Version::chainDatasetId).toList(), to);
    checkEqual("the treasury's fee", expected, chain.tokenBalance(to));
    out.printf("treasury: withdrew exactly its fee, %s units (floor(gross x feeBps / 10000) per dataset)%n", expected);
    return expected;
  }

  private Outcome outcome(Version next, BigInteger claimed, BigInteger fee, Map<String, Double> seconds) {
    List<DatasetFigures> figures = new ArrayList<>();
    for (Version v : versions) {
      DataMarketplace.DatasetInfo info = chain.dataset(v.chainDatasetId());
      JsonNode d = http.get("/api/datasets/" + v.id(), null).expect(200, "dataset").json();
      figures.add(new DatasetFigures(v.id(), v.chainDatasetId(), campaigns.get(v.campaign()).id(),
          d.get("version").asInt(), d.get("itemCount").asLong(), v.contributions().size(), v.shares().size(),
          v.price().toString(), info.gross.toString(),
          info.gross.multiply(info.feeBps).divide(BigInteger.valueOf(10_000)).toString(), info.revenue.toString(),
          info.paidOut.toString(), buyersOf.get(v.chainDatasetId())));
    }
    long rejected = sent.stream().filter(s -> !s.shouldBeAccepted()).count();
    Version a = versions.get(0);
    return new Outcome(setup.serviceUrl(), setup.rpcUrl(), chain.chainId(), steps.marketplace, steps.paymentToken, a.id(),
        a.chainDatasetId(), next.id(), figures, people.size(), plan.failers(), revoker.address(), sent.size(),
        sent.size() - rejected, rejected, claimed.toString(), fee.toString(), seconds);
  }
}
