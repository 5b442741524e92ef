// src/report: the round-trip report (report.json, index.html, SVG plots, PNG pictures). The folder's door.
export { roundtripReport, type RoundtripReportOptions } from './write-report.js';
export { reportHtml } from './html.js';
export { MEDIA_DIR, REPORT_FORMAT, REPORT_VERSION, reportJson, type ReportJson, type ReportPictures, type ReportPlot, type ReportPoint } from './report-json.js';
export { linePlot, renderSvg } from './plots.js';
export {
  colourBar, crop, deltaEMap, encodePng, falseColour, readFrame, schemeTable, toDisplay, worstWindow,
  type Box, type FramePlanes, type Rgb8,
} from './images.js';
