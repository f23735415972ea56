// Preloaded by `npm run bench:http -- --profile DIR` into the app's processes (NODE_OPTIONS=--import,
// since Node refuses --cpu-prof there): samples the whole process life as --cpu-prof does and writes
// DIR/<script>-<pid>.cpuprofile when the process exits.
import fs from "node:fs";
import inspector from "node:inspector";
import path from "node:path";

const dir = process.env.ONCE_CPU_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 1000 });
  session.post("Profiler.start");
  process.once("exit", () => {
    // An in-process inspector session answers synchronously, so this completes inside "exit".
    session.post("Profiler.stop", (error, result) => {
      if (error) return;
      const name = `${path.basename(process.argv[1] ?? "node")}-${process.pid}.cpuprofile`;
      fs.writeFileSync(path.join(dir, name), JSON.stringify(result.profile));
    });
  });
}
