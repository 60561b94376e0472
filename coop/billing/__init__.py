"""Client money: charge lines priced from approved timesheets and late cancellations, invoices, credit notes."""
