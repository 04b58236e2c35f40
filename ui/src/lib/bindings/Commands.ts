// Generated from src/api/commands.rs by `cargo test`. Do not edit.
import type { AddConnectionRequest } from "./AddConnectionRequest";
import type { AuditEntry } from "./AuditEntry";
import type { AuditRequest } from "./AuditRequest";
import type { ChartRequest } from "./ChartRequest";
import type { ChartResponse } from "./ChartResponse";
import type { ConnectionName } from "./ConnectionName";
import type { ConnectionSecretRequest } from "./ConnectionSecretRequest";
import type { ConnectionTest } from "./ConnectionTest";
import type { CreateRequest } from "./CreateRequest";
import type { ExportReport } from "./ExportReport";
import type { ForecastReport } from "./ForecastReport";
import type { ForecastRequest } from "./ForecastRequest";
import type { FxRate } from "./FxRate";
import type { ImportReport } from "./ImportReport";
import type { ImportRequest } from "./ImportRequest";
import type { InitRequest } from "./InitRequest";
import type { ListRequest } from "./ListRequest";
import type { NoArguments } from "./NoArguments";
import type { PathRequest } from "./PathRequest";
import type { PortfolioInfo } from "./PortfolioInfo";
import type { Preview } from "./Preview";
import type { RecordRef } from "./RecordRef";
import type { RecordView } from "./RecordView";
import type { ReportRequest } from "./ReportRequest";
import type { ReportWritten } from "./ReportWritten";
import type { Summary } from "./Summary";
import type { SummaryRequest } from "./SummaryRequest";
import type { UpdateRequest } from "./UpdateRequest";

/** Every command the backend answers, with its request and response types. */
export type Commands = {
  portfolio_info: { request: NoArguments; response: PortfolioInfo };
  init: { request: InitRequest; response: PortfolioInfo };
  summary: { request: SummaryRequest; response: Summary };
  forecast: { request: ForecastRequest; response: ForecastReport };
  list_records: { request: ListRequest; response: Array<RecordView> };
  get_record: { request: RecordRef; response: RecordView };
  create_record: { request: CreateRequest; response: RecordView };
  update_record: { request: UpdateRequest; response: RecordView };
  remove_record: { request: RecordRef; response: RecordView };
  fx_list: { request: NoArguments; response: Array<FxRate> };
  fx_set: { request: FxRate; response: FxRate };
  preview_import: { request: ImportRequest; response: Preview };
  import: { request: ImportRequest; response: ImportReport };
  backup: { request: PathRequest; response: NoArguments };
  export_workbook: { request: PathRequest; response: ExportReport };
  restore: { request: PathRequest; response: NoArguments };
  audit: { request: AuditRequest; response: Array<AuditEntry> };
  chart: { request: ChartRequest; response: ChartResponse };
  export_report: { request: ReportRequest; response: ReportWritten };
  add_connection: { request: AddConnectionRequest; response: RecordView };
  set_connection_secret: { request: ConnectionSecretRequest; response: NoArguments };
  test_connection: { request: ConnectionName; response: ConnectionTest };
  remove_connection: { request: ConnectionName; response: RecordView };
};

export type CommandName = keyof Commands;
