/** The landing page until the citizen pages arrive: names the product and the backend it talks to. */
Component({
  data: {
    backend: 'cloud' as IAppOption['globalData']['backend'],
  },
  lifetimes: {
    attached() {
      this.setData({ backend: getApp<IAppOption>().globalData.backend });
    },
  },
});
