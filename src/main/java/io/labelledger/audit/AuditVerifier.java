package io.labelledger.audit;

import io.labelledger.chain.Hex;
import io.labelledger.chain.Signatures;
import io.labelledger.consent.ConsentMessages;
import io.labelledger.contribution.ContributionMessage;
import io.labelledger.market.Payouts;
import io.labelledger.market.SharesTree;
import io.labelledger.provenance.LeafStore;
import io.labelledger.provenance.StandardMerkleRoot;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks an audit bundle against the chain, with nothing but the bundle file and an RPC endpoint
 * (every {@link AuditCheck}). One pass over the file: a reader thread parses contributions and
 * hands chunks to one worker per core, which recompute digests and leaves, recover signatures
 * (native secp256k1) and verify proofs against their batch's anchored root. Chain reads are one per
 * batch, contributor and shares account, sent in JSON-RPC batches, all at one pinned block.
 *
 * <p>Memory: besides the chunks in flight, about 40 bytes per contribution (its leaf, kept for the
 * content root, which needs every leaf; its contributor and batch as two ints) and a little per
 * contributor, batch and shares account. The bundle itself is never held.
 */
public final class AuditVerifier {
  /** Contributions handed to a worker at once. */
  static final int CHUNK = 4096;

  /** Tunables. {@code progress} is called from a timer thread about five times a second. */
  public record Options(int threads, int maxFailuresListed, Progress progress) {
    public Options {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1");
      }
      if (maxFailuresListed < 0) {
        throw new IllegalArgumentException("maxFailuresListed must be non-negative");
      }
      progress = progress == null ? Progress.NONE : progress;
    }

    public static Options defaults() {
      return new Options(Runtime.getRuntime().availableProcessors(), 10_000, Progress.NONE);
    }
  }

  /** Progress of a running audit. */
  public interface Progress {
    Progress NONE = (phase, done, total, bytesRead, bytesTotal) -> { };

    /**
     * @param phase what is being done ("contributions", then "consent", "roots", "payouts")
     * @param done contributions verified so far
     * @param total contributions the header announces (0 before it is read)
     */
    void update(String phase, long done, long total, long bytesRead, long bytesTotal);

    /** The audit is over (the display can be cleared). */
    default void finished() {}
  }

  private static final ContractCode CONSENT_REGISTRY = ContractCode.of("ConsentRegistry");
  private static final ContractCode PROVENANCE_REGISTRY = ContractCode.of("ProvenanceRegistry");
  private static final ContractCode MARKETPLACE = ContractCode.of("DataMarketplace");

  private final List<String> rpcUrls;
  private final Options options;

  public AuditVerifier(String rpcUrl, Options options) {
    this(List.of(rpcUrl), options);
  }

  /**
   * @param rpcUrls endpoints of one chain, tried in order: the next is used when one cannot be
   *     reached (as {@link AuditChain#connect(List)} describes)
   */
  public AuditVerifier(List<String> rpcUrls, Options options) {
    if (rpcUrls.isEmpty()) {
      throw new IllegalArgumentException("at least one RPC endpoint is needed");
    }
    this.rpcUrls = List.copyOf(rpcUrls);
    this.options = options;
  }

  /**
   * Audits the bundle at {@code bundle}.
   *
   * @throws BundleFormatException the file is not a readable version-1 bundle
   * @throws ChainUnavailableException the RPC endpoint cannot be read
   * @throws IOException the file cannot be read
   */
  public AuditReport verify(Path bundle) throws IOException {
    long size = Files.size(bundle);
    try (InputStream in = Files.newInputStream(bundle); AuditChain chain = AuditChain.connect(rpcUrls)) {
      chain.chainId(); // fails fast, before the file is read, when the endpoint is unreachable
      return new Run(chain, size).run(in);
    }
  }

  /** Stops the read after a failure that makes the rest meaningless. */
  private static final class Stop extends RuntimeException {
    Stop() {
      super(null, null, false, false);
    }
  }

  /** One audit: state shared by the reader thread, the workers and the final checks. */
  private final class Run implements AuditBundleReader.Visitor {
    private final AuditChain chain;
    private final long fileSize;
    private final Failures failures = new Failures(options.maxFailuresListed());
    private final ExecutorService workers = Executors.newFixedThreadPool(options.threads(), daemon("audit-worker"));
    /** Batch roots: workers wait for these, so they never queue behind other reads. */
    private final ExecutorService rpc = Executors.newFixedThreadPool(2, daemon("audit-rpc"));
    /** Consent records, read ahead while the contributions stream. */
    private final ExecutorService consentRpc = Executors.newSingleThreadExecutor(daemon("audit-consent-rpc"));
    private final Semaphore inFlight = new Semaphore(options.threads() * 2);
    private final List<Future<?>> pending = new ArrayList<>();
    private final ThreadLocal<ContributionHasher> hashers = new ThreadLocal<>();
    private final AtomicLong verified = new AtomicLong();
    private final LeafStore leaves = new LeafStore();
    /** Public keys whose address was checked to be the contributor's, by contributor id: later signatures compare keys. */
    private final KeyTable knownKeys = new KeyTable();

    // reader thread only
    private AuditBundleReader reader;
    private AuditBundle.Header header;
    private byte[] domainSeparator;
    private AuditChain.Dataset dataset;
    private byte[] datasetTerms;
    private final Map<String, Integer> contributorIds = new HashMap<>();
    private final List<String> contributorAddresses = new ArrayList<>();
    private final IntArray contributionsOf = new IntArray();
    /** Per contributor, the shares its contributions earn under the bundle's rule (known rules only). */
    private final List<Long> earnedOf = new ArrayList<>();
    /** Contributions to campaigns the weighted rule gives no weight, by campaign id. */
    private final Map<BigInteger, Long> unweighted = new java.util.TreeMap<>();
    private final Map<PairKey, Integer> pairIds = new HashMap<>();
    /** Per contributor, the last pair met: the pair of nearly every contribution, found without a map. */
    private final IntArray lastPairOf = new IntArray();
    private final List<Integer> pairContributor = new ArrayList<>();
    private final List<byte[]> pairTerms = new ArrayList<>();
    private final Map<Long, Integer> batchSlots = new HashMap<>();
    private long lastBatchId = -1;
    private int lastBatchSlot = -1;
    private final List<CompletableFuture<AuditChain.Batch>> batches = new ArrayList<>();
    /** Per contribution, its (pair, batch) id: the unit consent at anchoring is decided for; -1 if malformed. */
    private final IntArray pairBatchOf = new IntArray();
    private final LongIntMap pairBatchIds = new LongIntMap();
    private final IntArray pairOfPairBatch = new IntArray();
    private final IntArray batchOfPairBatch = new IntArray();
    private final List<AuditBundle.Share> shares = new ArrayList<>();
    /** ConsentRegistry.consentOf of pairs [0, consentRecordsAsked), asked while contributions stream. */
    private final List<CompletableFuture<List<AuditChain.ConsentRecord>>> consentRecords = new ArrayList<>();
    private int consentRecordsAsked;
    private List<AuditBundle.Contribution> chunk = new ArrayList<>(CHUNK);
    private List<CompletableFuture<AuditChain.Batch>> chunkBatches = new ArrayList<>(CHUNK);
    private int[] chunkContributors = new int[CHUNK];
    private long chunkStart;
    private long count;
    private long malformed;
    private volatile String phase = "contributions";
    private final Map<String, Double> phaseSeconds = new java.util.LinkedHashMap<>();
    private long lapStart;

    Run(AuditChain chain, long fileSize) {
      this.chain = chain;
      this.fileSize = fileSize;
    }

    AuditReport run(InputStream in) throws IOException {
      long started = System.nanoTime();
      long cpuStarted = processCpuNanos();
      HeapPeak heap = new HeapPeak();
      var ticker = Executors.newSingleThreadScheduledExecutor(daemon("audit-progress"));
      ticker.scheduleAtFixedRate(this::report, 200, 200, TimeUnit.MILLISECONDS);
      boolean stopped = false;
      try {
        reader = AuditBundleReader.open(in);
        try {
          lapStart = System.nanoTime();
          reader.readInto(this);
          dispatch();
          awaitWorkers();
          lap("contributions");
        } catch (Stop stop) {
          stopped = true;
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
        if (!stopped) {
          finalChecks();
        }
      } finally {
        ticker.shutdownNow();
        workers.shutdownNow();
        rpc.shutdownNow();
        consentRpc.shutdownNow();
        options.progress().finished();
      }
      var stats = new AuditReport.Stats((System.nanoTime() - started) / 1e9,
          (processCpuNanos() - cpuStarted) / 1e9, options.threads(), heap.peak(), peakRss(), Map.copyOf(phaseSeconds));
      return new AuditReport(header, chain.pinnedBlock(), count, contributorAddresses.size(), batches.size(),
          shares.size(), failures.listed(), failures.counts(), stopped, stats);
    }

    private void lap(String name) {
      long now = System.nanoTime();
      phaseSeconds.put(name, (now - lapStart) / 1e9);
      lapStart = now;
    }

    private void report() {
      long total = header == null ? 0 : header.dataset().contributionCount();
      long bytes = reader == null ? 0 : reader.bytesRead();
      options.progress().update(phase, verified.get(), total, bytes, fileSize);
    }

    // ------------------------------------------------------------------ header: chain, contracts, dataset

    @Override
    public void header(AuditBundle.Header h) {
      header = h;
      try {
        checkChainAndContracts(h);
      } catch (ChainUnavailableException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void checkChainAndContracts(AuditBundle.Header h) throws ChainUnavailableException {
      long served = chain.chainId();
      AuditBundle.Chain c = h.chain();
      if (served != c.chainId()) {
        failures.add(AuditFailure.dataset(AuditCheck.CHAIN_ID, "the bundle is for chain " + c.chainId()
            + " but the RPC endpoint serves chain " + served + "; nothing else was checked"));
        throw new Stop();
      }
      chain.pinLatestBlock();
      boolean ours = isOurs("consent registry", c.consentRegistry(), CONSENT_REGISTRY)
          & isOurs("provenance registry", c.provenanceRegistry(), PROVENANCE_REGISTRY)
          & isOurs("marketplace", c.marketplace(), MARKETPLACE);
      if (ours) { // the code is ours; what its constructor wrote into the domain is checked here
        ours = domainIs(c.provenanceRegistry(), ContributionMessage.DOMAIN_NAME, c.chainId())
            & domainIs(c.consentRegistry(), ConsentMessages.DOMAIN_NAME, c.chainId());
      }
      if (!chain.hasCode(c.paymentToken())) {
        failures.add(AuditFailure.dataset(AuditCheck.CONTRACTS, "no contract at the payment token address "
            + c.paymentToken()));
      }
      if (!ours) { // every later answer would come from code that is not LabelLedger's
        throw new Stop();
      }
      domainSeparator = c.contributionDomain().separator();
      Optional<AuditChain.Dataset> listed = chain.dataset(c.marketplace(), h.dataset().id());
      if (listed.isEmpty()) {
        failures.add(AuditFailure.dataset(AuditCheck.DATASET, "dataset " + h.dataset().id()
            + " is not listed on the marketplace " + c.marketplace() + " (at block " + chain.pinnedBlock()
            + "); its roots, consent at listing and payouts cannot be checked"));
        datasetTerms = h.dataset().termsHash();
        return;
      }
      dataset = listed.get();
      datasetTerms = dataset.termsHash();
      AuditBundle.Dataset stated = h.dataset();
      compare(AuditCheck.CONTENT_ROOT, "content root", stated.contentRoot(), dataset.contentRoot());
      compare(AuditCheck.SHARES_ROOT, "shares root", stated.sharesRoot(), dataset.sharesRoot());
      compare(AuditCheck.TERMS, "terms hash", stated.termsHash(), dataset.termsHash());
      if (!stated.totalShares().equals(dataset.totalShares())) {
        failures.add(AuditFailure.dataset(AuditCheck.TOTAL_SHARES, "the bundle states total shares "
            + stated.totalShares() + "; the chain lists " + dataset.totalShares()));
      }
      if (!c.paymentToken().equals(dataset.paymentToken())) {
        failures.add(AuditFailure.dataset(AuditCheck.PAYMENT_TOKEN, "the bundle names payment token "
            + c.paymentToken() + "; the dataset is sold for " + dataset.paymentToken()));
      }
    }

    /** Whether the code at {@code address} is LabelLedger's {@code expected} contract; a CONTRACTS failure if not. */
    private boolean isOurs(String role, String address, ContractCode expected) throws ChainUnavailableException {
      Optional<String> difference = expected.difference(chain.code(address));
      difference.ifPresent(d -> failures.add(AuditFailure.dataset(AuditCheck.CONTRACTS, "the " + role + " address "
          + address + " holds " + d + " at block " + chain.pinnedBlock() + "; nothing else was checked")));
      return difference.isEmpty();
    }

    private boolean domainIs(String contract, String name, long chainId) throws ChainUnavailableException {
      Optional<AuditChain.Domain> domain = chain.eip712Domain(contract);
      String expected = name + " v1 on chain " + chainId + " at " + contract;
      if (domain.isEmpty()) {
        failures.add(AuditFailure.dataset(AuditCheck.CONTRACTS, contract
            + " does not report an EIP-712 domain (expected " + expected + "); nothing else was checked"));
        return false;
      }
      AuditChain.Domain d = domain.get();
      if (!d.name().equals(name) || !d.version().equals("1") || d.chainId().longValue() != chainId
          || !d.verifyingContract().equals(contract)) {
        failures.add(AuditFailure.dataset(AuditCheck.CONTRACTS, contract + " reports EIP-712 domain " + d.name()
            + " v" + d.version() + " on chain " + d.chainId() + " at " + d.verifyingContract() + ", expected "
            + expected + "; nothing else was checked"));
        return false;
      }
      return true;
    }

    private void compare(AuditCheck check, String what, byte[] stated, byte[] listed) {
      if (!Arrays.equals(stated, listed)) {
        failures.add(AuditFailure.dataset(check, "the bundle states " + what + " " + Hex.encode(stated)
            + "; the chain lists " + Hex.encode(listed)));
      }
    }

    // ------------------------------------------------------------------ contributions (reader thread)

    @Override
    public void contribution(long index, AuditBundle.Contribution c) {
      int contributor = contributorIds.computeIfAbsent(c.contributor(), a -> {
        contributorAddresses.add(a);
        contributionsOf.add(0);
        earnedOf.add(0L);
        lastPairOf.add(-1);
        return contributorAddresses.size() - 1;
      });
      contributionsOf.set(contributor, contributionsOf.get(contributor) + 1);
      long earned = header.sharesRule().sharesOf(c.campaignId());
      if (earned == 0) {
        unweighted.merge(c.campaignId(), 1L, Long::sum);
      }
      earnedOf.set(contributor, earnedOf.get(contributor) + earned);
      int pair = pairOf(contributor, c.termsHash());
      int batch = batchOf(c.batchId());
      record(index, pair, batch);
      chunkContributors[chunk.size()] = contributor;
      chunk.add(c);
      chunkBatches.add(batches.get(batch));
      if (chunk.size() == CHUNK) {
        dispatch();
      }
    }

    /** The (contributor, terms) pair id: the contributor's last one when the terms are the same, else by map. */
    private int pairOf(int contributor, byte[] terms) {
      int last = lastPairOf.get(contributor);
      if (last >= 0 && Arrays.equals(pairTerms.get(last), terms)) {
        return last;
      }
      int pair = pairIds.computeIfAbsent(new PairKey(contributor, terms), k -> {
        pairContributor.add(contributor);
        pairTerms.add(terms);
        if (pairTerms.size() - consentRecordsAsked == AuditChain.BATCH) {
          askConsentRecords();
        }
        return pairTerms.size() - 1;
      });
      lastPairOf.set(contributor, pair);
      return pair;
    }

    /** The slot of a batch id, its on-chain record asked in the background the first time it is met. */
    private int batchOf(long batchId) {
      if (batchId == lastBatchId) { // bundles list a batch's contributions together
        return lastBatchSlot;
      }
      int slot = batchSlots.computeIfAbsent(batchId, id -> {
        batches.add(CompletableFuture.supplyAsync(() -> {
          try {
            return chain.batch(header.chain().provenanceRegistry(), id);
          } catch (ChainUnavailableException e) {
            throw new CompletionException(e);
          }
        }, rpc));
        return batches.size() - 1;
      });
      lastBatchId = batchId;
      lastBatchSlot = slot;
      return slot;
    }

    @Override
    public void malformedContribution(long index, String message) {
      record(index, -1, -1);
      malformed++;
      verified.incrementAndGet();
      failures.add(AuditFailure.contribution(AuditCheck.MALFORMED, index, null, null, message));
      if (chunk.isEmpty()) {
        chunkStart = index + 1;
      } else {
        dispatch(); // chunks cover consecutive positions
        chunkStart = index + 1;
      }
    }

    private void record(long index, int pair, int batch) {
      int id = -1;
      if (pair >= 0) {
        long key = ((long) pair << 32) | batch;
        id = pairBatchIds.get(key);
        if (id < 0) {
          id = pairOfPairBatch.size();
          pairBatchIds.put(key, id);
          pairOfPairBatch.add(pair);
          batchOfPairBatch.add(batch);
        }
      }
      pairBatchOf.add(id);
      count = index + 1;
    }

    @Override
    public void share(long position, AuditBundle.Share share) {
      shares.add(share);
    }

    @Override
    public void malformedShare(long position, String message) {
      failures.add(AuditFailure.dataset(AuditCheck.MALFORMED, "shares entry #" + position + ": " + message));
    }

    /** Asks for the consent records of the pairs met since the last ask, in the background. */
    private void askConsentRecords() {
      int from = consentRecordsAsked;
      int to = pairTerms.size();
      if (from == to) {
        return;
      }
      List<String> who = new ArrayList<>(to - from);
      for (int pair = from; pair < to; pair++) {
        who.add(contributorAddresses.get(pairContributor.get(pair)));
      }
      List<byte[]> terms = List.copyOf(pairTerms.subList(from, to));
      String registry = header.chain().consentRegistry();
      consentRecords.add(CompletableFuture.supplyAsync(() -> {
        try {
          return chain.consentRecords(registry, who, terms);
        } catch (ChainUnavailableException e) {
          throw new CompletionException(e);
        }
      }, consentRpc));
      consentRecordsAsked = to;
    }

    private void dispatch() {
      if (chunk.isEmpty()) {
        return;
      }
      List<AuditBundle.Contribution> work = chunk;
      List<CompletableFuture<AuditChain.Batch>> workBatches = chunkBatches;
      int[] workContributors = chunkContributors;
      long start = chunkStart;
      chunk = new ArrayList<>(CHUNK);
      chunkBatches = new ArrayList<>(CHUNK);
      chunkContributors = new int[CHUNK];
      chunkStart = start + work.size();
      leaves.ensureCapacity(chunkStart);
      knownKeys.ensureCapacity(contributorAddresses.size());
      try {
        inFlight.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      pending.removeIf(Future::isDone);
      pending.add(workers.submit(() -> {
        try {
          verifyChunk(start, work, workContributors, workBatches);
        } finally {
          inFlight.release();
        }
      }));
    }

    private void awaitWorkers() throws IOException {
      for (Future<?> f : pending) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable cause = e.getCause();
          while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
          }
          if (cause instanceof IOException io) {
            throw io;
          }
          throw new IllegalStateException("verification failed: " + cause, cause);
        }
      }
    }

    // ------------------------------------------------------------------ contributions (workers)

    private void verifyChunk(long start, List<AuditBundle.Contribution> work, int[] contributors,
        List<CompletableFuture<AuditChain.Batch>> workBatches) {
      ContributionHasher hasher = hashers.get();
      if (hasher == null) {
        hasher = new ContributionHasher(domainSeparator);
        hashers.set(hasher);
      }
      hasher.resetPairs();
      for (int i = 0; i < work.size(); i++) {
        long index = start + i;
        verifyOne(hasher, index, work.get(i), contributors[i], workBatches.get(i));
      }
      verified.addAndGet(work.size());
    }

    private void verifyOne(ContributionHasher hasher, long index, AuditBundle.Contribution c, int contributor,
        CompletableFuture<AuditChain.Batch> batchFuture) {
      byte[] digest = hasher.digest(c);
      byte[] key = Signatures.recoverPublicKey(digest, c.signature());
      if (key == null) {
        fail(AuditCheck.SIGNATURE, index, c, "the signature is not a valid secp256k1 signature of the signed fields"
            + " (OpenZeppelin ECDSA rules)");
      } else if (!Arrays.equals(key, knownKeys.get(contributor))) {
        // First signature of this contributor (or a wrong one): hash the key into its address.
        String signer = Signatures.addressOfPublicKey(key);
        if (signer.equals(c.contributor())) {
          knownKeys.putIfAbsent(contributor, key);
        } else {
          fail(AuditCheck.SIGNATURE, index, c, "the signature over the signed fields recovers to " + signer
              + ", not to the contributor");
        }
      }
      byte[] leaf = hasher.leaf(digest);
      leaves.set(index, leaf);
      if (!Arrays.equals(leaf, c.leaf())) {
        fail(AuditCheck.LEAF, index, c, "the bundle gives leaf " + Hex.encode(c.leaf())
            + " but the signed fields hash to leaf " + Hex.encode(leaf));
      }
      AuditChain.Batch batch = batchFuture.join();
      if (!batch.anchored()) {
        fail(AuditCheck.INCLUSION, index, c, "batch " + c.batchId() + " is not anchored on ProvenanceRegistry");
      } else {
        if (!hasher.verify(batch.root(), leaf, c.proof())) {
          fail(AuditCheck.INCLUSION, index, c, "its proof does not lead from its leaf to the root of batch "
              + c.batchId() + " (" + Hex.encode(batch.root()) + ")");
        }
        if (c.submittedAt() > batch.anchoredAt()) {
          fail(AuditCheck.ANCHORED_AFTER_SIGNING, index, c, "batch " + c.batchId() + " was anchored at "
              + batch.anchoredAt() + ", before the contribution's submittedAt " + c.submittedAt());
        }
      }
      if (!Arrays.equals(c.termsHash(), datasetTerms)) {
        fail(AuditCheck.TERMS, index, c, "signed under terms " + Hex.encode(c.termsHash())
            + ", the dataset is listed with terms " + Hex.encode(datasetTerms));
      }
    }

    private void fail(AuditCheck check, long index, AuditBundle.Contribution c, String message) {
      failures.add(AuditFailure.contribution(check, index, c.id(), c.contributor(), message));
    }

    // ------------------------------------------------------------------ after the last contribution

    private void finalChecks() throws IOException {
      if (count != header.dataset().contributionCount()) {
        failures.add(AuditFailure.dataset(AuditCheck.COUNT, "the header announces "
            + header.dataset().contributionCount() + " contributions; the bundle holds " + count));
      }
      phase = "consent";
      // The content root (CPU) is built while consent is read (mostly waiting on the node).
      CompletableFuture<Void> contentRoot = CompletableFuture.runAsync(this::checkContentRoot, workers);
      checkConsent();
      lap("consent");
      phase = "roots";
      contentRoot.join();
      checkShares();
      lap("roots");
      phase = "payouts";
      checkPayouts();
      lap("payouts");
    }

    private void checkConsent() throws IOException {
      String registry = header.chain().consentRegistry();
      List<String> who = new ArrayList<>();
      for (int contributor : pairContributor) {
        who.add(contributorAddresses.get(contributor));
      }
      askConsentRecords();
      List<AuditChain.ConsentRecord> records = new ArrayList<>(pairTerms.size());
      for (CompletableFuture<List<AuditChain.ConsentRecord>> asked : consentRecords) {
        records.addAll(join(asked));
      }
      List<ConsentHistory> histories = histories(registry, who, records);

      // Anchoring: one evaluation per (pair, batch), confirmed on-chain where it fails.
      int units = pairOfPairBatch.size();
      boolean[] invalidAtAnchor = new boolean[units];
      List<Long> doubtful = new ArrayList<>();
      for (int unit = 0; unit < units; unit++) {
        AuditChain.Batch batch = join(batches.get(batchOfPairBatch.get(unit)));
        // An unanchored batch is an inclusion failure already.
        if (batch.anchored() && !histories.get(pairOfPairBatch.get(unit)).validAt(batch.anchoredAt())) {
          invalidAtAnchor[unit] = true;
          doubtful.add((long) unit);
        }
      }
      for (long unit : confirm(registry, doubtful, unit -> pairOfPairBatch.get((int) (long) unit),
          unit -> batches.get(batchOfPairBatch.get((int) (long) unit)).join().anchoredAt(), who)) {
        invalidAtAnchor[(int) unit] = false;
      }
      boolean[] invalidAtListing = new boolean[histories.size()];
      if (dataset != null) {
        List<Long> doubtfulPairs = new ArrayList<>();
        for (int pair = 0; pair < histories.size(); pair++) {
          if (!histories.get(pair).validAt(dataset.listedAt())) {
            invalidAtListing[pair] = true;
            doubtfulPairs.add((long) pair);
          }
        }
        for (long pair : confirm(registry, doubtfulPairs, pair -> (int) (long) pair, pair -> dataset.listedAt(),
            who)) {
          invalidAtListing[(int) pair] = false;
        }
      }
      if (doubtful.isEmpty() && !contains(invalidAtListing)) {
        return; // nothing to name: no pass over the contributions
      }
      for (int i = 0; i < count; i++) {
        int unit = pairBatchOf.get(i);
        if (unit < 0) {
          continue;
        }
        int pair = pairOfPairBatch.get(unit);
        if (invalidAtAnchor[unit]) {
          AuditChain.Batch batch = join(batches.get(batchOfPairBatch.get(unit)));
          failures.add(AuditFailure.contribution(AuditCheck.CONSENT_AT_ANCHORING, i, null, who.get(pair),
              "consent to terms " + Hex.encode(pairTerms.get(pair)) + " was not valid when batch " + batch.batchId()
                  + " was anchored at " + batch.anchoredAt() + " (" + histories.get(pair).describe() + ")"));
        }
        if (invalidAtListing[pair]) {
          failures.add(AuditFailure.contribution(AuditCheck.CONSENT_AT_LISTING, i, null, who.get(pair),
              "consent to terms " + Hex.encode(pairTerms.get(pair)) + " was not valid when the dataset was listed at "
                  + dataset.listedAt() + " (" + histories.get(pair).describe() + ")"));
        }
      }
    }

    private static boolean contains(boolean[] flags) {
      for (boolean f : flags) {
        if (f) {
          return true;
        }
      }
      return false;
    }

    /** Reads the closed intervals of every pair that has some. */
    private List<ConsentHistory> histories(String registry, List<String> who, List<AuditChain.ConsentRecord> records)
        throws ChainUnavailableException {
      List<String> askWho = new ArrayList<>();
      List<byte[]> askTerms = new ArrayList<>();
      List<Long> askIndex = new ArrayList<>();
      for (int pair = 0; pair < records.size(); pair++) {
        for (long h = 0; h < records.get(pair).historyLength(); h++) {
          askWho.add(who.get(pair));
          askTerms.add(pairTerms.get(pair));
          askIndex.add(h);
        }
      }
      List<long[]> closed = chain.history(registry, askWho, askTerms, askIndex);
      List<ConsentHistory> out = new ArrayList<>(records.size());
      int at = 0;
      for (AuditChain.ConsentRecord record : records) {
        long[][] intervals = new long[(int) record.historyLength()][];
        for (int h = 0; h < intervals.length; h++) {
          long[] interval = closed.get(at++);
          if (interval == null) {
            throw new ChainUnavailableException("ConsentRegistry.historyAt failed for a recorded interval");
          }
          intervals[h] = interval;
        }
        out.add(new ConsentHistory(record, intervals));
      }
      return out;
    }

    /**
     * Asks the contract's own wasValidAt about every key the history says was not valid, so that a
     * reported consent failure is the contract's word, not only this program's reading of it.
     * Returns the keys the contract says were valid after all.
     */
    private List<Long> confirm(String registry, List<Long> keys, java.util.function.ToIntFunction<Long> pairOfKey,
        java.util.function.ToLongFunction<Long> timeOfKey, List<String> who) throws ChainUnavailableException {
      List<Long> valid = new ArrayList<>();
      if (keys.isEmpty()) {
        return valid;
      }
      List<String> askWho = new ArrayList<>();
      List<byte[]> askTerms = new ArrayList<>();
      List<Long> askTime = new ArrayList<>();
      for (long key : keys) {
        int pair = pairOfKey.applyAsInt(key);
        askWho.add(who.get(pair));
        askTerms.add(pairTerms.get(pair));
        askTime.add(timeOfKey.applyAsLong(key));
      }
      List<Boolean> onChain = chain.wasValidAt(registry, askWho, askTerms, askTime);
      for (int i = 0; i < keys.size(); i++) {
        if (onChain.get(i)) {
          valid.add(keys.get(i));
        }
      }
      return valid;
    }

    private <T> T join(CompletableFuture<T> future) throws ChainUnavailableException {
      try {
        return future.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof ChainUnavailableException c) {
          throw c;
        }
        throw e;
      }
    }

    private void checkContentRoot() {
      if (count == 0 || malformed > 0) {
        if (dataset != null) { // without a listing there is no root to reproduce
          failures.add(AuditFailure.dataset(AuditCheck.CONTENT_ROOT, count == 0 ? "the bundle has no contributions"
              : "cannot be reproduced: " + malformed + " contributions are malformed"));
        }
        return;
      }
      byte[] root = StandardMerkleRoot.of(leaves, count, (position, first) -> failures.add(
          AuditFailure.contribution(AuditCheck.DUPLICATE, position, null,
              contributorAddresses.get(pairContributor.get(pairOfPairBatch.get(pairBatchOf.get((int) position)))),
              "the same contribution (leaf) as contribution #" + first)));
      if (dataset != null && !Arrays.equals(root, dataset.contentRoot())) { // duplicates are found either way
        failures.add(AuditFailure.dataset(AuditCheck.CONTENT_ROOT, "the bundle's " + count
            + " contributions have content root " + Hex.encode(root) + "; the chain lists "
            + Hex.encode(dataset.contentRoot())));
      }
    }

    private void checkShares() {
      Map<Long, AuditBundle.Share> byIndex = new HashMap<>();
      Map<String, BigInteger> byAccount = new HashMap<>();
      BigInteger sum = BigInteger.ZERO;
      List<byte[]> sharesLeaves = new ArrayList<>(shares.size());
      for (AuditBundle.Share s : shares) {
        if (byIndex.putIfAbsent(s.index(), s) != null) {
          failures.add(AuditFailure.account(AuditCheck.MALFORMED, s.account(), s.index(),
              "shares index " + s.index() + " appears more than once"));
        }
        if (byAccount.containsKey(s.account())) {
          failures.add(AuditFailure.account(AuditCheck.SHARES_RULE, s.account(), s.index(),
              "the account appears more than once in the shares list"));
        }
        byAccount.merge(s.account(), s.shares(), BigInteger::add);
        sum = sum.add(s.shares());
        sharesLeaves.add(SharesTree.leaf(s.index(), s.account(), s.shares()));
      }
      if (dataset == null && !sum.equals(header.dataset().totalShares())) {
        failures.add(AuditFailure.dataset(AuditCheck.TOTAL_SHARES, "the shares entries sum to " + sum
            + "; the bundle states total shares " + header.dataset().totalShares()));
      }
      if (dataset != null) { // the bundle's stated total was compared with the chain's already
        if (!sum.equals(dataset.totalShares())) {
          failures.add(AuditFailure.dataset(AuditCheck.TOTAL_SHARES, "the shares entries sum to " + sum
              + "; the chain lists total shares " + dataset.totalShares()));
        }
        if (sharesLeaves.isEmpty()) {
          failures.add(AuditFailure.dataset(AuditCheck.SHARES_ROOT, "the bundle has no shares entries"));
        } else {
          byte[] root = StandardMerkleRoot.of(sharesLeaves);
          if (!Arrays.equals(root, dataset.sharesRoot())) {
            failures.add(AuditFailure.dataset(AuditCheck.SHARES_ROOT, "the bundle's " + shares.size()
                + " shares entries have root " + Hex.encode(root) + "; the chain lists "
                + Hex.encode(dataset.sharesRoot())));
          }
        }
      }
      checkRule(byAccount);
    }

    private void checkRule(Map<String, BigInteger> byAccount) {
      AuditBundle.SharesRule rule = header.sharesRule();
      if (!rule.known()) {
        failures.add(AuditFailure.dataset(AuditCheck.SHARES_RULE, "the rule \"" + rule.id()
            + "\" is not one this verifier can check (it knows \""
            + AuditBundle.SharesRule.ONE_SHARE_PER_CONTRIBUTION_ID + "\" and \""
            + AuditBundle.SharesRule.WEIGHTED_BY_CAMPAIGN_ID + "\")"));
        return;
      }
      if (malformed > 0) {
        failures.add(AuditFailure.dataset(AuditCheck.SHARES_RULE, "cannot be checked: " + malformed
            + " contributions are malformed"));
        return;
      }
      boolean weighted = AuditBundle.SharesRule.WEIGHTED_BY_CAMPAIGN_ID.equals(rule.id());
      unweighted.forEach((campaign, n) -> failures.add(AuditFailure.dataset(AuditCheck.SHARES_RULE, n
          + " contributions to campaign " + campaign + ", which the rule gives no weight (it weighs campaigns "
          + rule.weights().keySet() + ")")));
      Map<String, Long> indexOf = new HashMap<>();
      shares.forEach(s -> indexOf.putIfAbsent(s.account(), s.index()));
      for (int k = 0; k < contributorAddresses.size(); k++) {
        String account = contributorAddresses.get(k);
        BigInteger expected = BigInteger.valueOf(earnedOf.get(k));
        BigInteger actual = byAccount.get(account);
        if (actual == null) {
          if (expected.signum() > 0) {
            failures.add(AuditFailure.account(AuditCheck.SHARES_RULE, account, null, "has " + contributionsOf.get(k)
                + " contributions in the bundle but no shares"));
          }
        } else if (!actual.equals(expected)) {
          failures.add(AuditFailure.account(AuditCheck.SHARES_RULE, account, indexOf.get(account), "has " + actual
              + " shares; " + (weighted ? "the weighted rule gives its " + contributionsOf.get(k)
                  + " contributions " : "one share per contribution gives ") + expected));
        }
      }
      for (AuditBundle.Share s : shares) {
        if (!contributorIds.containsKey(s.account())) {
          failures.add(AuditFailure.account(AuditCheck.SHARES_RULE, s.account(), s.index(), "has " + s.shares()
              + " shares but no contribution in the bundle"));
        }
      }
    }

    private void checkPayouts() throws ChainUnavailableException {
      if (dataset == null) {
        return;
      }
      String marketplace = header.chain().marketplace();
      BigInteger id = header.dataset().id();
      // Only indexes that ever claimed can have claimed anything: the Claimed logs name them (one
      // query), and claimedOf gives their amounts. Without logs, claimedOf is asked for every entry.
      Optional<AuditChain.ClaimLogs> logs = chain.claims(marketplace, id);
      List<Long> asked = new ArrayList<>();
      shares.forEach(s -> {
        if (logs.isEmpty() || logs.get().indexes().contains(s.index())) {
          asked.add(s.index());
        }
      });
      Map<Long, BigInteger> claimedByIndex = new HashMap<>();
      List<BigInteger> answers = chain.claimedOf(marketplace, id, asked);
      for (int i = 0; i < asked.size(); i++) {
        claimedByIndex.put(asked.get(i), answers.get(i));
      }
      if (logs.isPresent() && !logs.get().total().equals(dataset.paidOut())) {
        failures.add(AuditFailure.dataset(AuditCheck.PAYOUTS, "the marketplace's Claimed logs add up to "
            + logs.get().total() + " but it reports paying out " + dataset.paidOut()));
      }
      List<BigInteger> claimed = new ArrayList<>(shares.size());
      shares.forEach(s -> claimed.add(claimedByIndex.getOrDefault(s.index(), BigInteger.ZERO)));
      BigInteger revenue = dataset.revenue();
      BigInteger total = dataset.totalShares();
      BigInteger claimedSum = BigInteger.ZERO;
      java.util.Set<Long> seen = new java.util.HashSet<>();
      for (int i = 0; i < shares.size(); i++) {
        AuditBundle.Share s = shares.get(i);
        BigInteger got = claimed.get(i);
        if (got == null) {
          throw new IllegalStateException("claimedOf(" + s.index() + ") gave no answer");
        }
        if (seen.add(s.index())) {
          claimedSum = claimedSum.add(got);
        }
        BigInteger owed = Payouts.owed(revenue, s.shares(), total);
        if (got.compareTo(owed) > 0) {
          failures.add(AuditFailure.account(AuditCheck.PAYOUTS, s.account(), s.index(), "claimed " + got
              + " but revenue x shares / totalShares = " + revenue + " x " + s.shares() + " / " + total + " = "
              + owed));
        }
      }
      if (dataset.paidOut().compareTo(revenue) > 0) {
        failures.add(AuditFailure.dataset(AuditCheck.PAYOUTS, "the dataset paid out " + dataset.paidOut()
            + ", more than its revenue " + revenue));
      }
      if (!claimedSum.equals(dataset.paidOut())) {
        failures.add(AuditFailure.dataset(AuditCheck.PAYOUTS, "the dataset paid out " + dataset.paidOut()
            + " but the bundle's shares entries claimed " + claimedSum
            + ": claims were paid to leaves the bundle does not list"));
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** Failures, listed up to a limit, counted always. Thread-safe. */
  private static final class Failures {
    private final int limit;
    private final List<AuditFailure> listed = new ArrayList<>();
    private final Map<AuditCheck, Long> counts = AuditReport.emptyCounts();

    Failures(int limit) {
      this.limit = limit;
    }

    synchronized void add(AuditFailure failure) {
      counts.merge(failure.check(), 1L, Long::sum);
      if (listed.size() < limit) {
        listed.add(failure);
      }
    }

    synchronized List<AuditFailure> listed() {
      List<AuditFailure> out = new ArrayList<>(listed);
      out.sort(java.util.Comparator.comparing((AuditFailure f) -> f.contribution() == null ? -1 : f.contribution())
          .thenComparing(f -> f.check().ordinal()));
      return out;
    }

    synchronized Map<AuditCheck, Long> counts() {
      Map<AuditCheck, Long> out = AuditReport.emptyCounts();
      out.putAll(counts);
      return out;
    }
  }

  /** A (contributor id, terms hash) pair, compared by content. */
  private static final class PairKey {
    private final int contributor;
    private final byte[] terms;
    private final int hash;

    PairKey(int contributor, byte[] terms) {
      this.contributor = contributor;
      this.terms = terms;
      this.hash = 31 * contributor + Arrays.hashCode(terms);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PairKey k && contributor == k.contributor && Arrays.equals(terms, k.terms);
    }
  }

  /**
   * Verified public keys by contributor id, read and set by the workers. Grown by the reader thread
   * only, before it hands a chunk naming the new ids to a worker (the submission is the
   * happens-before edge); slots are set once, atomically.
   */
  private static final class KeyTable {
    private static final int SEGMENT = 1024;
    private volatile java.util.concurrent.atomic.AtomicReferenceArray<?>[] segments =
        new java.util.concurrent.atomic.AtomicReferenceArray<?>[0];

    void ensureCapacity(int contributors) {
      int needed = (contributors + SEGMENT - 1) / SEGMENT;
      if (needed <= segments.length) {
        return;
      }
      var grown = Arrays.copyOf(segments, Math.max(needed, 2 * segments.length));
      for (int i = segments.length; i < grown.length; i++) {
        grown[i] = new java.util.concurrent.atomic.AtomicReferenceArray<byte[]>(SEGMENT);
      }
      segments = grown;
    }

    @SuppressWarnings("unchecked")
    private java.util.concurrent.atomic.AtomicReferenceArray<byte[]> segment(int contributor) {
      return (java.util.concurrent.atomic.AtomicReferenceArray<byte[]>) segments[contributor / SEGMENT];
    }

    byte[] get(int contributor) {
      return segment(contributor).get(contributor % SEGMENT);
    }

    void putIfAbsent(int contributor, byte[] key) {
      segment(contributor).compareAndSet(contributor % SEGMENT, null, key);
    }
  }

  /** A growable int array, used by the reader thread and, after the workers are joined, the final checks. */
  private static final class IntArray {
    private int[] values = new int[1024];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int get(int i) {
      return values[i];
    }

    int size() {
      return size;
    }

    void set(int i, int v) {
      values[i] = v;
    }
  }

  /**
   * Non-negative int values by long key, open addressing: one entry per (contributor, batch) of a
   * bundle without an object per entry (a boxed map costs about 80 bytes an entry).
   */
  static final class LongIntMap {
    private long[] keys = new long[1024];
    private int[] values = new int[1024];
    private boolean[] used = new boolean[1024];
    private int size;

    /** The value of {@code key}, or -1. */
    int get(long key) {
      int mask = keys.length - 1;
      for (int i = slot(key, mask); used[i]; i = (i + 1) & mask) {
        if (keys[i] == key) {
          return values[i];
        }
      }
      return -1;
    }

    void put(long key, int value) {
      if (2 * (size + 1) > keys.length) {
        grow();
      }
      int mask = keys.length - 1;
      int i = slot(key, mask);
      while (used[i] && keys[i] != key) {
        i = (i + 1) & mask;
      }
      if (!used[i]) {
        used[i] = true;
        size++;
      }
      keys[i] = key;
      values[i] = value;
    }

    private void grow() {
      long[] oldKeys = keys;
      int[] oldValues = values;
      boolean[] oldUsed = used;
      keys = new long[oldKeys.length * 2];
      values = new int[oldKeys.length * 2];
      used = new boolean[oldKeys.length * 2];
      size = 0;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldUsed[i]) {
          put(oldKeys[i], oldValues[i]);
        }
      }
    }

    private static int slot(long key, int mask) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32)) & mask;
    }
  }

  private static final class UncheckedIOException extends RuntimeException {
    UncheckedIOException(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static long processCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return 0;
  }

  /** Peak resident set of this process (VmHWM), or -1 off Linux. */
  private static long peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Sum of the heap pools' peaks since construction (an upper bound of the true peak). */
  private static final class HeapPeak {
    private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();

    HeapPeak() {
      pools.forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    long peak() {
      return pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
  }
}
