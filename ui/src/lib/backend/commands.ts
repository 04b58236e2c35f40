// The one place the UI takes its command and record types from: all generated from the Rust types
// by ts-rs (`cargo test` writes `src/lib/bindings/`). Nothing here is written by hand.

export type { Commands, CommandName } from '../bindings/Commands';
export type { AuditEntry } from '../bindings/AuditEntry';
export type { Currency } from '../bindings/Currency';
export type { EntityKind } from '../bindings/EntityKind';
export type { ErrorCode } from '../bindings/ErrorCode';
export type { FxRate } from '../bindings/FxRate';
export type { ImportKind } from '../bindings/ImportKind';
export type { ImportReport } from '../bindings/ImportReport';
export type { ImportRequest } from '../bindings/ImportRequest';
export type { InitiativePlan } from '../bindings/InitiativePlan';
export type { Figures } from '../bindings/Figures';
export type { AttentionItem } from '../bindings/AttentionItem';
export type { Renewal } from '../bindings/Renewal';
export type { PlanningSettings } from '../bindings/PlanningSettings';
export type { Money } from '../bindings/Money';
export type { PlanMonth } from '../bindings/PlanMonth';
export type { PortfolioInfo } from '../bindings/PortfolioInfo';
export type { Preview } from '../bindings/Preview';
export type { RecordView } from '../bindings/RecordView';
export type { Summary } from '../bindings/Summary';
export type { JsonValue } from '../bindings/serde_json/JsonValue';
export type { CostColumn } from '../bindings/CostColumn';
export type { ModelStage } from '../bindings/ModelStage';
export type { RiskTier } from '../bindings/RiskTier';
export type { InitiativeStatus } from '../bindings/InitiativeStatus';
export type { Category } from '../bindings/Category';
export type { RequisitionStatus } from '../bindings/RequisitionStatus';

import type { Commands, CommandName } from '../bindings/Commands';

export type RequestOf<N extends CommandName> = Commands[N]['request'];
export type ResponseOf<N extends CommandName> = Commands[N]['response'];
