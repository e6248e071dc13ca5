// Review on the event card and the review queue: versions, compare, anchored remarks, reasons for changes.
import "./decisions.js";
import "./versions.js";
