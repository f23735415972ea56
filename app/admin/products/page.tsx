import { PageHeading } from "@/components/page-heading";
import { DataTable, td, th } from "@/components/admin/data-table";
import { ProductCreateForm, StockAdjustForm } from "@/components/admin/product-forms";
import { adjustStockAction, createProductAction } from "@/app/admin/products/actions";
import { listAdminProducts } from "@/lib/admin/products";
import { requireAdminPage } from "@/lib/web/page-guard";
import { getDb } from "@/lib/db/client";
import { formatCents, formatCount } from "@/lib/format";

export const dynamic = "force-dynamic";
export const metadata = { title: "Products" };

export default async function ProductsPage() {
  await requireAdminPage();
  const products = await listAdminProducts(getDb());
  return (
    <>
      <PageHeading
        title="Products"
        description="What customers can order, with the stock left. A stock change is one audited adjustment and never goes below what orders already took."
      />
      <div className="grid grid-cols-1 gap-8 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <section aria-labelledby="products" className="space-y-3">
          <h2 id="products" className="text-lg font-semibold">
            Catalogue
          </h2>
          <DataTable
            label="Products"
            testId="products-table"
            stacked
            empty={products.length === 0 && "No products yet."}
            head={
              <>
                <th className={th}>SKU</th>
                <th className={th}>Name</th>
                <th className={th}>Price</th>
                <th className={th}>Stock</th>
                <th className={th}>Adjust stock</th>
              </>
            }
          >
            {products.map((p) => (
              <tr key={p.id} data-testid={`product-${p.sku}`}>
                <td className={`${td} font-mono`} data-label="SKU">
                  {p.sku}
                </td>
                <td className={td} data-label="Name">
                  {p.name}
                  {!p.active && <span className="ml-2 text-xs text-slate-500">not on sale</span>}
                </td>
                <td className={`${td} tabular-nums`} data-label="Price">
                  {formatCents(p.priceCents)}
                </td>
                <td className={`${td} tabular-nums`} data-testid={`stock-${p.sku}`} data-label="Stock" data-key>
                  {p.stock === null ? "not tracked" : formatCount(p.stock)}
                </td>
                <td className={td} data-label="Adjust stock" data-key>
                  {p.stock !== null && <StockAdjustForm action={adjustStockAction} productId={p.id} sku={p.sku} />}
                </td>
              </tr>
            ))}
          </DataTable>
        </section>
        <section aria-labelledby="new-product" className="space-y-3">
          <h2 id="new-product" className="text-lg font-semibold">
            New product
          </h2>
          <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
            <ProductCreateForm action={createProductAction} />
          </div>
        </section>
      </div>
    </>
  );
}
