package dev.k3sautoscaler.testkit.ec2;

import com.sun.net.httpserver.HttpExchange;
import dev.k3sautoscaler.testkit.http.LoopbackServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * EC2 over HTTP on 127.0.0.1, for tests and the simulator: the EC2 Query API (form-encoded POST,
 * {@code Action=…&Version=2016-11-15}) for RunInstances, TerminateInstances, DescribeInstances and
 * CreateTags, answered in EC2's XML shapes and error format with EC2's HTTP statuses, so the real
 * SDK {@code Ec2Client} (endpoint override) runs unmodified against it.
 *
 * <p>Behaviour modelled on EC2: ClientToken idempotency (same token and parameters → the same
 * reservation; different parameters → {@code IdempotentParameterMismatch}); tags applied
 * atomically from TagSpecifications; per-offering capacity (type × AZ × market) that tests set;
 * MinCount/MaxCount (launch as many as capacity allows, at least MinCount, else
 * {@code InsufficientInstanceCapacity}); instance states that follow the injected clock
 * (pending → running after {@link #bootDelay}, shutting-down → terminated after
 * {@link #shutdownDelay}); terminated instances stay visible for {@link #TERMINATED_VISIBLE};
 * DescribeInstances filters and MaxResults/NextToken pages.
 */
public final class Ec2Fake implements AutoCloseable {
    public static final String API_VERSION = "2016-11-15";
    /** EC2 keeps terminated instances in DescribeInstances for about an hour. */
    public static final Duration TERMINATED_VISIBLE = Duration.ofHours(1);
    private static final Set<String> MARKETS = Set.of("spot", "on-demand");

    private final Clock clock;
    private final LoopbackServer server;
    private final Object lock = new Object();
    private final Map<String, FakeInstance.Entry> instances = new LinkedHashMap<>();
    private final Map<String, String> subnets = new LinkedHashMap<>();
    private final Map<String, LaunchTemplate> templates = new LinkedHashMap<>();
    private final Map<String, Integer> capacity = new HashMap<>();
    private final Map<String, Idempotent> byClientToken = new HashMap<>();
    private final Deque<Injected> injected = new ArrayDeque<>();
    private final List<QueryRequest> requests = new CopyOnWriteArrayList<>();
    private final List<Consumer<FakeInstance>> launchObservers = new CopyOnWriteArrayList<>();
    private volatile Duration bootDelay = Duration.ofSeconds(30);
    private volatile Duration shutdownDelay = Duration.ofSeconds(60);
    private volatile Duration describeLag = Duration.ZERO;
    private long sequence = 0x0a1b2c3d4e5f000L;

    /** A launch template; {@code userData} is held here and, as in EC2, never echoed by these APIs. */
    public record LaunchTemplate(String id, String name, String imageId, String instanceType, String userData) {
    }

    private record Idempotent(Map<String, String> params, List<String> instanceIds, String reservationId) {
    }

    private record Injected(String action, Ec2Error error, boolean malformed, int[] remaining) {
    }

    private Ec2Fake(Clock clock) {
        this.clock = clock;
        this.server = LoopbackServer.start("ec2-fake", "/", this::serve);
    }

    public static Ec2Fake start(Clock clock) {
        return new Ec2Fake(clock);
    }

    public URI endpoint() {
        return server.endpoint();
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- set-up and hooks for tests and the simulator ----

    public Ec2Fake subnet(String subnetId, String availabilityZone) {
        synchronized (lock) {
            subnets.put(subnetId, availabilityZone);
        }
        return this;
    }

    /** Every subnet registered, as the fleet's WORKER_SUBNET_IDS names them: {@code subnet:az,…}. */
    public String subnetIds() {
        synchronized (lock) {
            return subnets.entrySet().stream().map(entry -> entry.getKey() + ":" + entry.getValue())
                    .collect(Collectors.joining(","));
        }
    }

    public Ec2Fake launchTemplate(LaunchTemplate template) {
        synchronized (lock) {
            templates.put(template.id(), template);
        }
        return this;
    }

    /** How many more instances of this offering EC2 can start; unset means unlimited. */
    public Ec2Fake capacity(String instanceType, String availabilityZone, String marketType, int available) {
        if (!MARKETS.contains(marketType)) {
            throw new IllegalArgumentException("marketType must be spot or on-demand: " + marketType);
        }
        synchronized (lock) {
            capacity.put(offeringKey(instanceType, availabilityZone, marketType), available);
        }
        return this;
    }

    public Ec2Fake bootDelay(Duration delay) {
        this.bootDelay = delay;
        return this;
    }

    public Ec2Fake shutdownDelay(Duration delay) {
        this.shutdownDelay = delay;
        return this;
    }

    /**
     * DescribeInstances leaves out instances launched less than {@code lag} ago, as EC2's eventually
     * consistent reads can right after RunInstances; the instances exist and RunInstances replays see them.
     */
    public Ec2Fake describeLag(Duration lag) {
        this.describeLag = lag;
        return this;
    }

    /** The next {@code times} calls of {@code action} (null: any action) answer with this error. */
    public Ec2Fake failNext(String action, int times, Ec2Error error) {
        synchronized (lock) {
            injected.add(new Injected(action, error, false, new int[] {times}));
        }
        return this;
    }

    /** EC2 recovers: every injected failure not yet answered is dropped. */
    public Ec2Fake recover() {
        synchronized (lock) {
            injected.clear();
        }
        return this;
    }

    /** The next {@code times} calls of {@code action} (null: any) answer 200 with a body that is not XML. */
    public Ec2Fake malformedNext(String action, int times) {
        synchronized (lock) {
            injected.add(new Injected(action, null, true, new int[] {times}));
        }
        return this;
    }

    /** An instance that exists outside the autoscaler's launches (the master, another team's box); running. */
    public String addInstance(String instanceType, String subnetId, String marketType, Map<String, String> tags) {
        synchronized (lock) {
            return addInstance(nextId("i-"), instanceType, subnetId, marketType, tags);
        }
    }

    /** The same, with the id chosen by the caller (the simulator's cluster names its starting instances). */
    public String addInstance(String instanceId, String instanceType, String subnetId, String marketType,
            Map<String, String> tags) {
        synchronized (lock) {
            if (instances.containsKey(instanceId)) {
                throw new IllegalArgumentException("instance " + instanceId + " already exists");
            }
            String az = subnets.get(subnetId);
            if (az == null) {
                throw new IllegalArgumentException("unknown subnet " + subnetId + "; register it with subnet()");
            }
            Instant launched = clock.instant().minus(bootDelay);
            FakeInstance.Entry entry = new FakeInstance.Entry(instanceId, nextId("r-"), "ami-0fake", instanceType, az,
                    subnetId, marketType, launched, null, null, tags, Map.of());
            instances.put(entry.instanceId, entry);
            return entry.instanceId;
        }
    }

    /** Starts termination the way EC2 does on a Spot interruption or a console click. */
    public void terminate(String instanceId) {
        synchronized (lock) {
            FakeInstance.Entry entry = instances.get(instanceId);
            if (entry == null) {
                throw new IllegalArgumentException("unknown instance " + instanceId);
            }
            if (entry.terminationRequestedAt == null) {
                entry.terminationRequestedAt = clock.instant();
            }
        }
    }

    public List<FakeInstance> instances() {
        synchronized (lock) {
            Instant now = clock.instant();
            return instances.values().stream().map(entry -> snapshot(entry, now)).toList();
        }
    }

    public FakeInstance instance(String instanceId) {
        synchronized (lock) {
            FakeInstance.Entry entry = instances.get(instanceId);
            return entry == null ? null : snapshot(entry, clock.instant());
        }
    }

    /** Called for every instance RunInstances starts (not for ClientToken replays). */
    public void onLaunch(Consumer<FakeInstance> observer) {
        launchObservers.add(observer);
    }

    /** Every request received, in order, as the SDK serialized it. */
    public List<QueryRequest> requests() {
        return List.copyOf(requests);
    }

    public List<QueryRequest> requests(String action) {
        return requests.stream().filter(request -> action.equals(request.action())).toList();
    }

    // ---- HTTP ----

    private void serve(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString();
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String query = exchange.getRequestURI().getRawQuery();
            QueryRequest request = QueryRequest.parse(query != null && body.isEmpty() ? query : body);
            requests.add(request);
            int status = 200;
            String xml;
            try {
                Injected injection = takeInjection(request.action());
                if (injection != null && injection.malformed()) {
                    // Cut off mid-document, as a dropped connection behind a proxy leaves it.
                    respond(exchange, 200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><" + request.action()
                            + "Response xmlns=\"" + Ec2Xml.NAMESPACE + "\"><requestId>" + requestId + "</requestId><reserv", requestId);
                    return;
                }
                if (injection != null) {
                    throw injection.error().asException();
                }
                xml = dispatch(request, requestId);
            } catch (Ec2Error.Failure failure) {
                status = failure.error.httpStatus();
                xml = Ec2Xml.error(failure.error, requestId);
            }
            respond(exchange, status, xml, requestId);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body, String requestId) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Injected takeInjection(String action) {
        synchronized (lock) {
            for (var it = injected.iterator(); it.hasNext(); ) {
                Injected candidate = it.next();
                if (candidate.action() == null || candidate.action().equals(action)) {
                    if (--candidate.remaining()[0] <= 0) {
                        it.remove();
                    }
                    return candidate;
                }
            }
            return null;
        }
    }

    private String dispatch(QueryRequest request, String requestId) {
        if (!API_VERSION.equals(request.get("Version"))) {
            throw Ec2Error.badRequest("NoSuchVersion", "An invalid API version was specified: " + request.get("Version")).asException();
        }
        String action = request.action() == null ? "" : request.action();
        List<FakeInstance> launched = new ArrayList<>();
        String xml;
        synchronized (lock) {
            xml = switch (action) {
                case "RunInstances" -> runInstances(request, requestId, launched);
                case "TerminateInstances" -> terminateInstances(request, requestId);
                case "DescribeInstances" -> describeInstances(request, requestId);
                case "CreateTags" -> createTags(request, requestId);
                default -> throw Ec2Error.badRequest("InvalidAction", "The action " + action + " is not valid for this web service.").asException();
            };
        }
        // Outside the lock, so an observer (the simulator's kubelet, a test) may call the fake back.
        launched.forEach(instance -> launchObservers.forEach(observer -> observer.accept(instance)));
        return xml;
    }

    // ---- actions (called under lock) ----

    private String runInstances(QueryRequest request, String requestId, List<FakeInstance> launched) {
        String clientToken = request.get("ClientToken");
        if (clientToken != null) {
            if (clientToken.length() > 64) {
                throw Ec2Error.badRequest("InvalidParameterValue", "ClientToken must be at most 64 characters").asException();
            }
            Idempotent earlier = byClientToken.get(clientToken);
            if (earlier != null) {
                if (!withoutProtocolNoise(earlier.params()).equals(withoutProtocolNoise(request.params()))) {
                    throw Ec2Error.badRequest("IdempotentParameterMismatch",
                            "Arguments on this idempotent request are inconsistent with arguments used in previous request(s).").asException();
                }
                return reservationXml(requestId, earlier.reservationId(), earlier.instanceIds());
            }
        }
        LaunchTemplate template = resolveTemplate(request);
        String imageId = request.get("ImageId") != null ? request.get("ImageId") : template == null ? null : template.imageId();
        String instanceType = request.get("InstanceType") != null ? request.get("InstanceType")
                : template == null ? null : template.instanceType();
        require(imageId, "ImageId");
        require(instanceType, "InstanceType");
        require(request.get("MinCount"), "MinCount");
        require(request.get("MaxCount"), "MaxCount");
        int minCount = request.integer("MinCount", 1);
        int maxCount = request.integer("MaxCount", 1);
        if (minCount < 1 || maxCount < minCount) {
            throw Ec2Error.badRequest("InvalidParameterValue", "MinCount must be at least 1 and at most MaxCount").asException();
        }
        String subnetId = request.get("SubnetId");
        require(subnetId, "SubnetId");
        String az = subnets.get(subnetId);
        if (az == null) {
            throw Ec2Error.badRequest("InvalidSubnetID.NotFound", "The subnet ID '" + subnetId + "' does not exist").asException();
        }
        String placementAz = request.get("Placement.AvailabilityZone");
        if (placementAz != null && !placementAz.equals(az)) {
            throw Ec2Error.badRequest("InvalidParameterValue", "The subnet " + subnetId + " is in " + az
                    + ", not in the requested Availability Zone " + placementAz).asException();
        }
        String market = "spot".equals(request.get("InstanceMarketOptions.MarketType")) ? "spot" : "on-demand";
        String key = offeringKey(instanceType, az, market);
        int available = capacity.getOrDefault(key, Integer.MAX_VALUE);
        if (available < minCount) {
            throw Ec2Error.insufficientCapacity(instanceType, az, market.equals("spot")).asException();
        }
        int launching = Math.min(maxCount, available);
        if (available != Integer.MAX_VALUE) {
            capacity.put(key, available - launching);
        }
        Map<String, String> instanceTags = tagsFor(request, "instance");
        Map<String, String> volumeTags = tagsFor(request, "volume");
        String reservationId = nextId("r-");
        Instant now = clock.instant();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < launching; i++) {
            FakeInstance.Entry entry = new FakeInstance.Entry(nextId("i-"), reservationId, imageId, instanceType, az,
                    subnetId, market, now, clientToken, template == null ? null : template.id(), instanceTags, volumeTags);
            instances.put(entry.instanceId, entry);
            ids.add(entry.instanceId);
        }
        if (clientToken != null) {
            byClientToken.put(clientToken, new Idempotent(request.params(), ids, reservationId));
        }
        ids.forEach(id -> launched.add(snapshot(instances.get(id), now)));
        return reservationXml(requestId, reservationId, ids);
    }

    /** Parameters that differ between retries of one logical request without changing its meaning. */
    private static Map<String, String> withoutProtocolNoise(Map<String, String> params) {
        Map<String, String> copy = new HashMap<>(params);
        copy.remove("Version");
        return copy;
    }

    private LaunchTemplate resolveTemplate(QueryRequest request) {
        String id = request.get("LaunchTemplate.LaunchTemplateId");
        String name = request.get("LaunchTemplate.LaunchTemplateName");
        if (id == null && name == null) {
            return null;
        }
        if (id != null) {
            LaunchTemplate template = templates.get(id);
            if (template == null) {
                throw Ec2Error.badRequest("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID "
                        + id + ", does not exist.").asException();
            }
            return template;
        }
        return templates.values().stream().filter(template -> template.name().equals(name)).findFirst()
                .orElseThrow(() -> Ec2Error.badRequest("InvalidLaunchTemplateName.NotFoundException",
                        "The specified launch template, with template name " + name + ", does not exist.").asException());
    }

    private static Map<String, String> tagsFor(QueryRequest request, String resourceType) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : request.structures("TagSpecification")) {
            if (resourceType.equals(request.get(spec + ".ResourceType"))) {
                for (String tag : request.structures(spec + ".Tag")) {
                    tags.put(request.get(tag + ".Key"), request.get(tag + ".Value") == null ? "" : request.get(tag + ".Value"));
                }
            }
        }
        return tags;
    }

    private String reservationXml(String requestId, String reservationId, List<String> ids) {
        Instant now = clock.instant();
        Ec2Xml xml = Ec2Xml.response("RunInstances", requestId)
                .element("reservationId", reservationId)
                .element("ownerId", Ec2Xml.OWNER_ID)
                .open("groupSet").close("groupSet")
                .open("instancesSet");
        ids.forEach(id -> xml.instance(snapshot(instances.get(id), now)));
        return xml.close("instancesSet").end("RunInstances").toString();
    }

    private String terminateInstances(QueryRequest request, String requestId) {
        List<String> ids = request.list("InstanceId");
        if (ids.isEmpty()) {
            throw Ec2Error.badRequest("MissingParameter", "The request must contain the parameter InstanceId").asException();
        }
        requireKnown(ids);
        Instant now = clock.instant();
        Ec2Xml xml = Ec2Xml.response("TerminateInstances", requestId).open("instancesSet");
        for (String id : ids) {
            FakeInstance.Entry entry = instances.get(id);
            String previous = entry.state(now, bootDelay, shutdownDelay);
            if (entry.terminationRequestedAt == null) {
                entry.terminationRequestedAt = now;
            }
            xml.open("item").element("instanceId", id)
                    .instanceState("currentState", entry.state(now, bootDelay, shutdownDelay))
                    .instanceState("previousState", previous)
                    .close("item");
        }
        return xml.close("instancesSet").end("TerminateInstances").toString();
    }

    private String describeInstances(QueryRequest request, String requestId) {
        List<String> ids = request.list("InstanceId");
        String maxResults = request.get("MaxResults");
        if (!ids.isEmpty() && maxResults != null) {
            throw Ec2Error.badRequest("InvalidParameterCombination",
                    "The parameter instancesSet cannot be used with the parameter maxResults").asException();
        }
        int pageSize = maxResults == null ? Integer.MAX_VALUE : Integer.parseInt(maxResults);
        if (maxResults != null && (pageSize < 5 || pageSize > 1000)) {
            throw Ec2Error.badRequest("InvalidParameterValue", "Value ( " + maxResults + " ) for parameter maxResults is invalid. "
                    + "Expecting a value between 5 and 1000.").asException();
        }
        requireKnown(ids);
        Predicate<FakeInstance> matches = filters(request);
        Instant now = clock.instant();
        List<FakeInstance> found = instances.values().stream()
                .filter(entry -> ids.isEmpty() || ids.contains(entry.instanceId))
                .filter(entry -> !ids.isEmpty() || stillVisible(entry, now))
                .filter(entry -> !now.isBefore(entry.launchTime.plus(describeLag)))
                .map(entry -> snapshot(entry, now))
                .filter(matches)
                .toList();
        int from = decodeToken(request.get("NextToken"));
        int to = (int) Math.min((long) from + pageSize, found.size());
        Ec2Xml xml = Ec2Xml.response("DescribeInstances", requestId).open("reservationSet");
        List<FakeInstance> page = found.subList(Math.min(from, found.size()), to);
        for (int i = 0; i < page.size(); ) {
            String reservation = page.get(i).reservationId();
            xml.open("item").element("reservationId", reservation).element("ownerId", Ec2Xml.OWNER_ID)
                    .open("groupSet").close("groupSet").open("instancesSet");
            while (i < page.size() && page.get(i).reservationId().equals(reservation)) {
                xml.instance(page.get(i++));
            }
            xml.close("instancesSet").close("item");
        }
        xml.close("reservationSet");
        if (to < found.size()) {
            xml.element("nextToken", encodeToken(to));
        }
        return xml.end("DescribeInstances").toString();
    }

    private boolean stillVisible(FakeInstance.Entry entry, Instant now) {
        return entry.terminationRequestedAt == null
               || now.isBefore(entry.terminationRequestedAt.plus(shutdownDelay).plus(TERMINATED_VISIBLE));
    }

    private static Predicate<FakeInstance> filters(QueryRequest request) {
        Predicate<FakeInstance> all = instance -> true;
        for (String filter : request.structures("Filter")) {
            String name = request.get(filter + ".Name");
            List<String> values = request.list(filter + ".Value");
            Predicate<FakeInstance> one = switch (name == null ? "" : name) {
                case "instance-state-name" -> instance -> values.contains(instance.state());
                case "instance-id" -> instance -> values.contains(instance.instanceId());
                case "instance-type" -> instance -> values.contains(instance.instanceType());
                case "availability-zone" -> instance -> values.contains(instance.availabilityZone());
                case "instance-lifecycle" -> instance -> values.contains(instance.marketType().equals("spot") ? "spot" : "");
                case "client-token" -> instance -> values.contains(instance.clientToken());
                case "tag-key" -> instance -> values.stream().anyMatch(instance.tags()::containsKey);
                default -> {
                    if (name != null && name.startsWith("tag:")) {
                        String key = name.substring(4);
                        yield instance -> values.contains(instance.tags().get(key));
                    }
                    throw Ec2Error.badRequest("InvalidParameterValue", "The filter '" + name + "' is invalid").asException();
                }
            };
            all = all.and(one);
        }
        return all;
    }

    private String createTags(QueryRequest request, String requestId) {
        List<String> ids = request.list("ResourceId");
        if (ids.isEmpty()) {
            throw Ec2Error.badRequest("MissingParameter", "The request must contain the parameter resourceIdSet").asException();
        }
        requireKnown(ids);
        for (String id : ids) {
            for (String tag : request.structures("Tag")) {
                String value = request.get(tag + ".Value");
                instances.get(id).tag(request.get(tag + ".Key"), value == null ? "" : value);
            }
        }
        return Ec2Xml.response("CreateTags", requestId).element("return", true).end("CreateTags").toString();
    }

    // ---- helpers ----

    private void requireKnown(List<String> ids) {
        for (String id : ids) {
            if (!id.matches("i-[0-9a-f]{8,17}")) {
                throw Ec2Error.badRequest("InvalidInstanceID.Malformed", "Invalid id: \"" + id + "\"").asException();
            }
        }
        List<String> unknown = ids.stream().filter(id -> !instances.containsKey(id)).toList();
        if (!unknown.isEmpty()) {
            throw Ec2Error.badRequest("InvalidInstanceID.NotFound", "The instance IDs '" + String.join(", ", unknown)
                    + "' do not exist").asException();
        }
    }

    private static void require(String value, String parameter) {
        if (value == null || value.isBlank()) {
            throw Ec2Error.badRequest("MissingParameter", "The request must contain the parameter " + parameter).asException();
        }
    }

    private FakeInstance snapshot(FakeInstance.Entry entry, Instant now) {
        return entry.snapshot(now, bootDelay, shutdownDelay);
    }

    private String nextId(String prefix) {
        return prefix + String.format("%017x", ++sequence);
    }

    private static String offeringKey(String instanceType, String availabilityZone, String marketType) {
        return instanceType + "|" + availabilityZone + "|" + marketType;
    }

    private static String encodeToken(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeToken(String token) {
        if (token == null) {
            return 0;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            return Integer.parseInt(decoded.substring("offset:".length()));
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw Ec2Error.badRequest("InvalidParameterValue", "The token '" + token + "' is invalid").asException();
        }
    }
}
