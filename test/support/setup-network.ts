import nock from "nock";

// Tests may only talk to services on this machine: any other host is refused before a socket opens.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
nock.emitter.on("no match", (req: { method?: string; host?: string; path?: string }) => {
  if (req.host && !/^(127\.0\.0\.1|localhost|\[::1\])/.test(req.host)) {
    console.error(`nock: blocked request to ${req.method} ${req.host}${req.path ?? ""}`);
  }
});
