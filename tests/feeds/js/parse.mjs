// Parse iCalendar files with Mozilla's ical.js (the parser of Thunderbird's family) and
// print what a calendar client would show, as JSON: node parse.mjs FILE... > out.json
// Every VTIMEZONE of a file is registered first, as clients do, so TZID times convert.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const utc = ICAL.Timezone.utcTimezone;
const iso = (t) => (t ? (t.isDate ? t.toString() : t.convertToZone(utc).toString().replace(/Z?$/, "Z")) : null);

const result = {};
for (const path of process.argv.slice(2)) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  const tzids = [];
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    const zone = new ICAL.Timezone(vtimezone);
    ICAL.TimezoneService.register(zone, zone.tzid);
    tzids.push(zone.tzid);
  }
  result[path] = {
    name: calendar.getFirstPropertyValue("x-wr-calname"),
    timezones: tzids,
    events: calendar.getAllSubcomponents("vevent").map((vevent) => {
      const event = new ICAL.Event(vevent);
      return {
        uid: event.uid,
        summary: event.summary,
        description: event.description,
        location: event.location,
        sequence: event.sequence,
        status: vevent.getFirstPropertyValue("status"),
        start: iso(event.startDate),
        end: iso(event.endDate),
        start_tzid: event.startDate ? event.startDate.zone.tzid : null,
        all_day: event.startDate ? event.startDate.isDate : null,
      };
    }),
  };
  for (const tzid of tzids) ICAL.TimezoneService.remove(tzid);
}
process.stdout.write(JSON.stringify(result));
