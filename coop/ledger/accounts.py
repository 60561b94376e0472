"""The chart of accounts of a UK worker co-operative, as data (seeded into `account` by migration 0007).

Numbering (four digits; the first says where the account appears in the accounts):

- 1xxx assets: 1000-1099 cash and bank, 1100-1199 debtors (what clients owe).
- 2xxx liabilities: 2100-2199 payroll (PAYE/NI to HMRC, pension to the scheme, net pay to members),
  2300-2399 what members are owed from a surplus (the members' bonus declared and not yet paid).
- 3xxx equity: 3000 members' share capital (withdrawable, at par: RULES §5.1), 3100-3199 reserves and funds
  the members' meeting appropriates surplus to (RULES §5.3, §0.11-§0.13), 3200 retained surplus brought
  forward, 3900 the year's surplus awaiting appropriation (the year close moves income and expenses there).
- 4xxx income: 4000-4099 charges for cover, one account per profession, so margins read by profession;
  4100 late-cancellation charges (RULES §0.7); 4900 other income.
- 5xxx direct costs of supply: what the co-op spends on the members' work (gross pay, holiday pay,
  employer NI and pension, RULES §0.19). Margins are income less these (`is_direct_cost`).
- 7xxx overheads: premises, software, insurance, professional fees, training.

Gaps between numbers leave room for a co-op's own accounts. Each account also has a Beancount name
(`Assets:Bank`), used by the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AccountType(StrEnum):
    asset = "asset"
    liability = "liability"
    equity = "equity"
    income = "income"
    expense = "expense"


# A debit (positive pence) raises assets and expenses; a credit (negative) raises the other three.
DEBIT_NORMAL = frozenset({AccountType.asset, AccountType.expense})

BEANCOUNT_ROOT = {
    AccountType.asset: "Assets",
    AccountType.liability: "Liabilities",
    AccountType.equity: "Equity",
    AccountType.income: "Income",
    AccountType.expense: "Expenses",
}


@dataclass(frozen=True)
class AccountDef:
    code: str
    name: str
    name_cy: str
    type: AccountType
    beancount: str  # the part after the root, e.g. "Bank" for Assets:Bank

    @property
    def beancount_name(self) -> str:
        return f"{BEANCOUNT_ROOT[self.type]}:{self.beancount}"

    @property
    def is_direct_cost(self) -> bool:
        return is_direct_cost(self.code, self.type)


def is_direct_cost(code: str, account_type: str) -> bool:
    """The 5xxx expenses are the direct costs of supplying members' work (see the numbering above)."""
    return account_type == AccountType.expense and code.startswith("5")


A, L, E, N, X = AccountType.asset, AccountType.liability, AccountType.equity, AccountType.income, AccountType.expense

CHART: tuple[AccountDef, ...] = (
    AccountDef("1000", "Bank current account", "Cyfrif banc cyfredol", A, "Bank"),
    AccountDef("1100", "Trade debtors", "Dyledwyr masnach", A, "TradeDebtors"),
    AccountDef("2100", "PAYE and NI payable", "TWE ac YG i'w talu", L, "PAYE-NI"),
    AccountDef("2110", "Pension contributions payable", "Cyfraniadau pensiwn i'w talu", L, "PensionPayable"),
    AccountDef("2120", "Net wages payable", "Cyflogau net i'w talu", L, "NetWagesPayable"),
    AccountDef("2300", "Members' bonus payable", "Bonws aelodau i'w dalu", L, "MembersBonusPayable"),
    AccountDef("3000", "Members' share capital", "Cyfalaf cyfranddaliadau aelodau", E, "ShareCapital"),
    AccountDef("3100", "General reserve", "Cronfa wrth gefn gyffredinol", E, "GeneralReserve"),
    AccountDef("3110", "Indivisible reserve", "Cronfa wrth gefn anrhanadwy", E, "IndivisibleReserve"),
    AccountDef("3120", "Community fund", "Cronfa gymunedol", E, "CommunityFund"),
    AccountDef("3130", "Co-operative development fund", "Cronfa datblygu cydweithredol", E, "CoopDevelopmentFund"),
    AccountDef("3200", "Retained surplus", "Gwarged a gadwyd", E, "RetainedSurplus"),
    AccountDef("3900", "Current-year surplus", "Gwarged y flwyddyn gyfredol", E, "CurrentYearSurplus"),
    AccountDef("4000", "Supply teaching income", "Incwm athrawon cyflenwi", N, "SupplyTeaching"),
    AccountDef("4010", "Nursing income", "Incwm nyrsio", N, "Nursing"),
    AccountDef("4020", "Social care income", "Incwm gofal cymdeithasol", N, "SocialCare"),
    AccountDef("4100", "Late-cancellation charges", "Taliadau canslo hwyr", N, "LateCancellation"),
    AccountDef("4900", "Other income", "Incwm arall", N, "Other"),
    AccountDef("5000", "Wages (gross pay)", "Cyflogau (tâl gros)", X, "Wages"),
    AccountDef("5010", "Holiday pay", "Tâl gwyliau", X, "HolidayPay"),
    AccountDef("5020", "Employer's National Insurance", "Yswiriant Gwladol y cyflogwr", X, "EmployerNI"),
    AccountDef("5030", "Employer's pension contributions", "Cyfraniadau pensiwn y cyflogwr", X, "EmployerPension"),
    AccountDef("7000", "Premises", "Adeiladau", X, "Premises"),
    AccountDef("7100", "Software and IT", "Meddalwedd a TG", X, "Software"),
    AccountDef("7200", "Insurance", "Yswiriant", X, "Insurance"),
    AccountDef("7300", "Professional fees", "Ffioedd proffesiynol", X, "ProfessionalFees"),
    AccountDef("7400", "Training", "Hyfforddiant", X, "Training"),
)

BY_CODE: dict[str, AccountDef] = {account.code: account for account in CHART}

# Named codes for the areas that post through the ledger (invoices, pay runs, the year close).
BANK = "1000"
TRADE_DEBTORS = "1100"
PAYE_NI_PAYABLE = "2100"
PENSION_PAYABLE = "2110"
NET_WAGES_PAYABLE = "2120"
MEMBERS_BONUS_PAYABLE = "2300"
SHARE_CAPITAL = "3000"
GENERAL_RESERVE = "3100"
INDIVISIBLE_RESERVE = "3110"
COMMUNITY_FUND = "3120"
COOP_DEVELOPMENT_FUND = "3130"
RETAINED_SURPLUS = "3200"
CURRENT_YEAR_SURPLUS = "3900"
LATE_CANCELLATION_INCOME = "4100"
OTHER_INCOME = "4900"
WAGES = "5000"
HOLIDAY_PAY = "5010"
EMPLOYER_NI = "5020"
EMPLOYER_PENSION = "5030"

# Charges for cover go to the income account of the shift's profession (coop.enums.Profession values).
INCOME_BY_PROFESSION: dict[str, str] = {"supply_teacher": "4000", "nurse": "4010", "care_worker": "4020"}
