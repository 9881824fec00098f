"""What the sample candidates say and type, for the prompt "video-streaming-cdn".

Plain data used by make_samples.py. Sentences are written the way a recognizer would give them
back: lowercase, little punctuation, with the occasional filler.
"""

from __future__ import annotations

REQ_QUESTIONS = [
    "before i start can i ask a few clarifying questions about the scale and the product",
    "how many concurrent streams do we expect at the evening peak and in which regions are most of our members",
    "what start up time are we aiming for so roughly what p99 time to first frame and what rebuffer rate is acceptable",
    "how large is the catalogue and how skewed is popularity do the top few percent of titles get most of the plays",
    "what is the read to write ratio i assume plays dwarf new uploads by many orders of magnitude",
    "how fresh does the edge need to be when a new title launches is it fine if it arrives a few hours before release",
    "do we need strong consistency anywhere for example for entitlements or is eventual consistency fine for the catalogue",
    "is live content in scope or only on demand video for this conversation",
    "which devices should i focus on and do we need four k and hdr from day one",
]
REQ_ASSUMPTIONS = [
    "okay so i will assume around two hundred million members and about fifteen million concurrent streams at the peak",
    "and i will take a p99 start up time under two seconds with rebuffering below half a percent of viewing time",
    "so reads are enormous and bursty in the evening while writes are a trickle of new encodes every day",
    "i will keep live out of scope and focus on on demand playback on tvs phones and browsers",
    "let me note those numbers down so we can refer back to them",
    "one more thing i will assume we run our own edge boxes inside internet providers and keep a cloud control plane",
]
FRAMING = [
    "so the core challenge here is serving a huge and very skewed catalogue with fast start up everywhere when the long tail cannot live on every edge box",
    "the constraint driving the design is bandwidth and disk at the edge not compute in the cloud",
    "there is a tension between pre filling boxes overnight which is cheap and reacting to what people actually watch today",
    "and the failure mode i worry about most is an edge site going dark at peak so the client must fall back to another site without the viewer noticing",
    "at a high level my approach is a control plane in the cloud that decides what goes where and a data plane of edge boxes that only serves bytes",
    "i will start with the playback path end to end and then go deep on content placement which i think is the hardest part",
    "roughly the overall shape is client then playback api then steering then edge and an offline pipeline that fills the edge",
]
WALKTHROUGH = [
    "let me walk through the layers first there is the client the online serving layer in the cloud the edge layer inside the isps and the offline pipeline",
    "the client is the player on the device it asks for a manifest picks a bitrate and fetches segments over http from the edge",
    "when a request comes in the playback api checks the member and the entitlement and then calls the steering service to pick edge sites",
    "the playback api owns nothing itself it is stateless and reads entitlements from the account service which is the source of truth for plans",
    "the steering service owns the map of which titles sit on which edge box and the health of each box and returns a ranked list of urls",
    "that list goes back in the manifest so the client already knows two or three places to get each segment from",
    "this whole path is synchronous and latency critical it has to finish in a few hundred milliseconds before the first byte",
    "then the client hits the edge box directly and the bytes never go through the cloud which is the whole point",
    "the edge box keeps a large disk cache of encoded segments and a small memory cache for the hottest ones",
    "asynchronously the client sends playback events like start up time and rebuffers to a logging pipeline in the background",
    "those events go into a queue and a stream job aggregates them into quality metrics per isp and per box",
    "the offline pipeline is the encoder farm which turns each master file into many bitrates and stores them in the origin object store",
    "the origin object store is the source of truth for every encoded file and edge boxes fill from it",
    "the fill planner runs every night it looks at predicted popularity per region and tells each box what to fetch during off peak hours",
    "so the data model for steering is a table keyed by title and region with the list of boxes holding each file",
    "and the partition key for the playback events is the session id so one session lands in one partition in order",
    "if the steering service times out the playback api returns the last known good list from a local cache so playback still starts",
    "and if an edge box fails mid stream the client retries the next url in the manifest after a short timeout",
    "the account service is on the critical path only for the entitlement check and we cache that answer for a few minutes",
    "the catalogue service is off the hot path the ui reads it through its own cache and it is eventually consistent",
    "for the write path a new title goes through encoding then the fill planner schedules it on boxes before the release date",
    "let me trace one play end to end the member presses play the app calls playback the manifest comes back and the first segment comes from the nearest box",
    "the first segment is small and low bitrate on purpose so the video starts fast and the player ramps up the bitrate after that",
    "the edge box reports its health and load to steering every few seconds so steering can stop sending traffic to a hot box",
    "between the client and the cloud everything is behind a regional gateway and the services talk over grpc inside the region",
    "the control plane runs in three cloud regions and each region can serve steering for the whole world if needed",
    "so the latency critical parts are playback steering and the edge and everything else like logging and fill is asynchronous",
    "i would keep the steering map in memory on every steering instance and rebuild it from box reports plus the fill plan",
    "i think that covers the main services so to recap client playback steering edge origin encoder fill planner and logging",
    "one detail on the edge boxes they run a simple http server with a read through to the origin when a file is missing",
    "the read through fills are rate limited so a cold box does not hammer the origin",
    "and each box belongs to a cluster inside the isp so steering can spread load across boxes in the same building",
    "the manifest also carries the license url and the drm license service is another synchronous call at start",
    "we can warm the license service cache by prefetching licenses for the titles on the home page",
    "the player keeps a buffer of about thirty seconds and the adaptive bitrate logic looks at throughput and buffer level",
    "for the catalogue and artwork we can use a normal commercial cdn because those are small and cache well",
]
DEEP_DIVE = [
    "let me dig into content placement because deciding what goes on each box is the hardest part",
    "the input is a popularity forecast per title per region for the next day and the output is a list of files per box",
    "a naive approach is to put the top n titles on every box but with limited disk that wastes space on duplicates inside one cluster",
    "instead i would use consistent hashing inside a cluster so each file has one home box in the cluster and the cluster acts as one big cache",
    "the hottest titles are the exception we replicate them on every box because a single box cannot serve the whole demand for one title",
    "so the algorithm sorts titles by forecast demand and assigns replicas until the expected load per box fits its throughput",
    "let me estimate a box has around two hundred terabytes of disk and can push around one hundred gigabits per second",
    "a title at all bitrates is roughly fifty gigabytes so one box holds about four thousand titles",
    "the long tail beyond that is served by a bigger mid tier cache or by a fill from the origin on a miss",
    "the trade off compared to pure on demand caching with lru is that we fill off peak when bandwidth is cheap instead of at peak",
    "the downside is that a surprise hit is not on the boxes so we need a reactive path that promotes a title during the day",
    "the reactive path watches the playback events and when a title trends it schedules extra fills with a limited budget",
    "for the data structure each box keeps a hash map from file id to disk location plus an approximate counter of recent requests",
    "we could use a count min sketch for the counters so the memory stays small even with millions of files",
    "the alternative to consistent hashing is a central assignment table which is simpler to reason about but harder to rebalance when a box is added",
    "with consistent hashing and virtual nodes adding a box only moves about one over n of the files",
    "the cost is that steering must know the hash ring of every cluster which is fine because it is small",
    "let me also compare pre positioning versus pull through for new releases pre positioning wins because release night is the peak",
    "so the placement job runs nightly takes about an hour and writes one plan per box which the box pulls at two in the morning",
    "the complexity is roughly titles times regions which is a few million entries and fits on one machine",
    "i would validate the plan offline by replaying yesterday's requests against it and measuring the hit rate",
    "the metric to optimise is the edge hit ratio by bytes weighted by peak hour because off peak misses are cheap",
    "a ninety five percent byte hit ratio at peak is a realistic target for this kind of skew",
    "one more trade off bigger segments mean fewer requests but slower start up so i would keep two second segments at the start",
    "and for the manifest i would list a primary box and two alternates chosen from different clusters",
]
RESILIENCE = [
    "now the failure scenarios the most common one is a single edge box failing and the client just moves to the next url",
    "a whole edge site can lose its uplink at peak then steering sees the health reports stop and removes the site within seconds",
    "players already streaming from that site retry the alternates in their manifest and fall back to a mid tier site with a short rebuffer at worst",
    "if steering itself is down the playback api serves a cached list which degrades placement quality but keeps playback working",
    "we protect the account and license services with circuit breakers and timeouts so a slow dependency does not take playback with it",
    "retries use exponential backoff with jitter so a recovering service is not hit by a thundering herd",
    "graceful degradation for the ui means showing cached rows and artwork if personalisation is slow",
    "for monitoring the key metrics are start up time rebuffer rate and edge hit ratio per isp with alerts on each slo",
    "we alert on the error rate of playback starts and on steering freshness the age of the health data",
    "every service has an owning team and an on call rotation with a runbook for the common failures",
    "changes to steering and the player roll out as a canary to a small percent of traffic in one region first",
    "if the canary metrics regress we roll back automatically and the feature flag lets us turn a change off without a deploy",
    "the placement plan is also rolled out gradually one cluster at a time so a bad plan cannot empty every box at once",
    "for a region failure in the cloud the control plane fails over to another region and the edge keeps serving what it has",
    "we would run chaos experiments that kill boxes and whole sites during the day to prove the fallbacks work",
    "load shedding at the playback api protects the system during a huge launch we would rather queue a few starts than fail everyone",
    "the blast radius of a bad edge software release is limited by updating a few boxes per cluster at a time",
    "and the dashboards show each of these per region so the on call can see where the problem is quickly",
]
PROBE_ANSWERS = {
    "What changes if this must work for live content?":
        "for live the pre fill does not work so the edge becomes a pull through cache with very short segments and the origin needs a shield tier to absorb the fan out",
    "An edge site loses its uplink at peak: what do players in that city experience?":
        "players in that city retry the alternate urls and land on the nearest other site so they see at most a short rebuffer while steering removes the dead site",
    "How do you decide what to pre-fill on an edge box with limited disk?":
        "i would rank titles by forecast demand per region and fill until the box is full keeping the head replicated and hashing the tail across the cluster",
    "What happens on a cache stampede when a hot key expires?":
        "only one request per key goes to the origin the others wait on it and we refresh hot keys a little before they expire so they never all miss at once",
    "Does the consumer need messages in order, and what happens when the same message is delivered twice?":
        "order only matters inside one playback session so we partition by session id and the aggregator ignores an event id it has already counted",
    "What happens when one partition key gets far more traffic than the others?":
        "a hot title would overload one partition so we add a random suffix to spread it and merge the counts when we read",
    "How do you invalidate content at the edge when it changes or must be taken down fast?":
        "each file name carries a version so a change is a new file and a takedown is a purge message that steering sends to every box holding it",
    "What would you do if this component had to handle ten times the load tomorrow?":
        "the placement job is offline so ten times the titles mostly means more machines for the job and more clusters at the edge",
}
#: What the strong candidate says when the interviewer springs a curveball (by curveball id).
CURVEBALL_ANSWERS = {
    "provider-drops-edge": "okay that changes the edge plan for that country so we would move that traffic to peering and transit at the nearest exchange point and redo capacity planning for the interconnects before next month",
    "metered-mobile": "then the player should default to a data saver mode on cellular with a lower bitrate ladder encoded with a more efficient codec and let members download over wifi instead of streaming on the go",
    "midnight-premiere": "for a midnight drop i would pre-position the episodes on every edge box the day before pre-warm the steering caches and keep admission control ready so a surge spills over to the next site instead of failing",
}
GENERIC_ANSWER = "good question i would handle that with a small change to the design and measure it before rolling it out everywhere"

JUMP_REQUIREMENTS = [
    "okay so um i think we basically need a bunch of services here like a video service and a user service",
    "we put the videos in s3 and front them with a cdn and we use kafka for the events and redis for the sessions",
    "and cassandra for the viewing history because it is you know write heavy",
    "how many users do we have",
    "okay and um the video service talks to redis and kafka like i said",
]
JUMP_FRAMING = [
    "so the tricky part is kind of making it fast for everyone you know",
    "um i think the main thing is like the cdn and caching basically",
]
FILLER_WALKTHROUGH = [
    "um so like the client calls the api gateway and uh the gateway you know calls the video service",
    "and then um the video service kind of looks up the title in the database and uh returns the url like for the cdn",
    "uh we also have like a recommendation service that you know reads from cassandra um basically",
    "so um the events go to kafka and like a spark job um sort of aggregates them you know",
]
SKIP_REQUIREMENTS = [
    "before i start i want to ask a few questions",
    "how many concurrent streams do we expect at the peak",
    "what start up time should we aim for like a p99 number",
    "how large is the catalogue and how skewed is it",
    "is live content in scope or only on demand",
    "which devices should i focus on",
    "okay i will assume fifteen million concurrent streams and a p99 start up under two seconds",
    "and i will focus on on demand playback on tvs and phones",
]
